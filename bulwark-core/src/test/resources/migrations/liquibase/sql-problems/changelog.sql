--liquibase formatted sql

--changeset alice:1
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'
CREATE TABLE users (id bigint PRIMARY KEY);

--changeset alice:2 runAlways:true
REFRESH MATERIALIZED VIEW stats;

--changeset alice:3
ALTER TABLE users ADD COLUMN email text NOT NULL;

--changeset alice:3
SELECT 1;
