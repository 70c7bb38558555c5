-- bulwark:down
DROP TABLE t;
-- bulwark:up
CREATE TABLE t (id int);
