-- bulwark:up
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;

-- bulwark:down
ALTER TABLE orders ALTER COLUMN amount TYPE integer;
