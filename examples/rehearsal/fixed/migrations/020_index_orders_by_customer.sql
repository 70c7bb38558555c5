-- bulwark:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);

-- bulwark:down
DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;
