-- bulwark:up
UPDATE orders SET amount = 0 WHERE amount IS NULL;
ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;

-- bulwark:down
ALTER TABLE orders ALTER COLUMN amount DROP NOT NULL;
