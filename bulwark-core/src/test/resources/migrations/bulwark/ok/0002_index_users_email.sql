-- bulwark:no-transaction
-- bulwark:lock-timeout 5s
-- bulwark:up
-- bulwark:statement-timeout 10min
-- bulwark:ignore require-concurrent-index users is empty in every environment
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
-- bulwark:down
DROP INDEX CONCURRENTLY users_email_idx;
