--liquibase formatted sql

--changeset alice:1
--comment: the users table
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL
);
--rollback DROP TABLE users;

--changeset alice:2 runInTransaction:false
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
--rollback DROP INDEX CONCURRENTLY users_email_idx;

--changeset bob:3 splitStatements:false
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END;
$$;
--rollback DROP FUNCTION touch();

--changeset bob:4 endDelimiter:/
ALTER TABLE users ADD COLUMN name text
/
UPDATE users SET name = email
/
--rollback ALTER TABLE users DROP COLUMN name;

--changeset carol:orders-5 context:prod labels:v2
-- a plain comment stays in the SQL
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
/* liquibase rollback
DROP TABLE orders;
*/

--changeset carol:6 dbms:oracle
CREATE TABLE only_on_oracle (id number);
