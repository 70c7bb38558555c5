-- bulwark:up
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_check;

-- bulwark:down
-- PostgreSQL cannot un-validate a constraint: put back the NOT VALID one.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('placed', 'paid', 'shipped', 'cancelled')) NOT VALID;
