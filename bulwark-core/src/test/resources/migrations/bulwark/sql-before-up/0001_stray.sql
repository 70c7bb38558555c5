-- a comment is fine here
CREATE TABLE t (id int);
-- bulwark:up
SELECT 1;
