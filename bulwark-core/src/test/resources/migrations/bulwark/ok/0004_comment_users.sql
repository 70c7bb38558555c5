-- bulwark:up
COMMENT ON TABLE users IS 'people who buy';
-- bulwark:down
