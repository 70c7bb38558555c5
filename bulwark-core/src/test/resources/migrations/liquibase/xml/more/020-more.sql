--liquibase formatted sql

--changeset carol:10
CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
--rollback DROP TABLE audit_log;
