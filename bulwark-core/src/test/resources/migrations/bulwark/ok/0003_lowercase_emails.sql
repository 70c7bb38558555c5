-- bulwark:up
UPDATE users SET email = lower(email);
