-- The constraint is added without checking existing rows (a short lock), and checked in the
-- next migration under a lock that lets reads and writes go on.
-- bulwark:up
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

-- bulwark:down
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
