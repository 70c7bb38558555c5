-- bulwark:up
INSERT INTO customers (email, name) VALUES ('welcome@shop.example', 'Welcome Customer');

-- bulwark:down
DELETE FROM customers WHERE email = 'welcome@shop.example';
