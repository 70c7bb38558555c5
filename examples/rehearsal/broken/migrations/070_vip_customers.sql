-- bulwark:up
ALTER TABLE customers ADD COLUMN vip boolean NOT NULL DEFAULT false;

-- bulwark:down
ALTER TABLE customers DROP COLUMN vip_flag;
