-- bulwark:lock-timeout 5 seconds
-- bulwark:up
ALTER TABLE users ADD COLUMN name text;
