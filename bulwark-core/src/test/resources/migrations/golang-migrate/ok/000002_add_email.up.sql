-- bulwark:lock-timeout 3s
ALTER TABLE users ADD COLUMN email text;
