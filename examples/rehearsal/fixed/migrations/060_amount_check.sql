-- bulwark:up
ALTER TABLE orders ADD CONSTRAINT orders_amount_not_null CHECK (amount IS NOT NULL) NOT VALID;

-- bulwark:down
ALTER TABLE orders DROP CONSTRAINT orders_amount_not_null;
