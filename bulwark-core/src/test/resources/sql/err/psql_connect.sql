CREATE DATABASE app;
\connect app
CREATE TABLE t (a int);
