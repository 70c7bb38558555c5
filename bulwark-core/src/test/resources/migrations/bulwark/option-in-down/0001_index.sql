-- bulwark:up
-- bulwark:no-transaction
CREATE INDEX CONCURRENTLY a_b_idx ON a (b);
-- bulwark:down
-- bulwark:lock-timeout 1s
DROP INDEX CONCURRENTLY a_b_idx;
