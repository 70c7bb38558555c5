-- Expand instead of rewriting: a new bigint column the application fills and reads from;
-- the old one is dropped in a later release.
-- bulwark:up
ALTER TABLE orders ADD COLUMN amount_cents bigint;

-- bulwark:down
ALTER TABLE orders DROP COLUMN amount_cents;
