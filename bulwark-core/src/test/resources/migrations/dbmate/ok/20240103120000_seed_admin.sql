-- migrate:up
INSERT INTO users (id) VALUES (1);
