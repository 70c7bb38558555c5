-- bulwark:up
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id bigint,
    amount      integer,
    note        varchar(50)
);

-- bulwark:down
DROP TABLE orders;
DROP TABLE customers;
