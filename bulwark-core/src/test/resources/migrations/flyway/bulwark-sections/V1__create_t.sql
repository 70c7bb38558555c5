CREATE TABLE t (id int);
-- bulwark:down
DROP TABLE t;
