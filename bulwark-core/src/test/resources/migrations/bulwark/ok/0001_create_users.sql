-- Users of the shop.
-- bulwark:up
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL
);

-- bulwark:down
DROP TABLE users;
