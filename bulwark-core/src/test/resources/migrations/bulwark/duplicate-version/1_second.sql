-- bulwark:up
SELECT 2;
