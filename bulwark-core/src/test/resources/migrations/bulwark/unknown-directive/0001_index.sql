-- bulwark:up
-- bulwark:no-transacton
CREATE INDEX CONCURRENTLY a_b_idx ON a (b);
