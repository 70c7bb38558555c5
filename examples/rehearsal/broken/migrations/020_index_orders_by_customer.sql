-- bulwark:up
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

-- bulwark:down
DROP INDEX orders_customer_id_idx;
