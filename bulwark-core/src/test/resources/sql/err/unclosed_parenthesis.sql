CREATE TABLE t (
    a int,
    b int;
CREATE INDEX i ON t (a);
