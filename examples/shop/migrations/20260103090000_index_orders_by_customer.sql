-- Built without blocking writes: Bulwark runs this statement alone, outside a
-- transaction, and drops the index again if the build fails half way.
-- bulwark:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);

-- bulwark:down
DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;
