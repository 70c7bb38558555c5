-- bulwark:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;

-- bulwark:down
-- PostgreSQL cannot un-validate a constraint: put back the NOT VALID one.
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
