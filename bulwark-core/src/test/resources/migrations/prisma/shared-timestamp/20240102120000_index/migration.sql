CREATE INDEX orders_id ON orders (id);
