-- bulwark:lock-timeout 1s
-- bulwark:up
ALTER TABLE orders ADD COLUMN status text;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'placed';
-- Checked for new rows at once; existing rows are checked by the next migration, which
-- needs only a SHARE UPDATE EXCLUSIVE lock (reads and writes go on).
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('placed', 'paid', 'shipped', 'cancelled')) NOT VALID;

-- bulwark:down
ALTER TABLE orders DROP COLUMN status;
