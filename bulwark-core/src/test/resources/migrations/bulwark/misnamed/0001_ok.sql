-- bulwark:up
SELECT 1;
