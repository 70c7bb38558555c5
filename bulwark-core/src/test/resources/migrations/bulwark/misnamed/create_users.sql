-- bulwark:up
CREATE TABLE users (id int);
