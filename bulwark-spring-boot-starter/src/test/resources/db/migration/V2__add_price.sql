ALTER TABLE products ADD COLUMN price_cents bigint;
