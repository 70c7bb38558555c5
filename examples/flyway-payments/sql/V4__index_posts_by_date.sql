SET lock_timeout = '2s';
CREATE INDEX posts_created_at_idx ON posts (created_at);
