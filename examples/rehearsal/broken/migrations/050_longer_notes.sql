-- bulwark:up
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);

-- bulwark:down
ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);
