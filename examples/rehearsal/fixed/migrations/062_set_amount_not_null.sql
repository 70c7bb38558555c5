-- With a validated CHECK (amount IS NOT NULL), SET NOT NULL skips the table scan (PostgreSQL 12+).
-- bulwark:up
ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;

-- bulwark:down
ALTER TABLE orders ALTER COLUMN amount DROP NOT NULL;
