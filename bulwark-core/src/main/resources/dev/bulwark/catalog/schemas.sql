-- User schemas. $1: schema names to include (text[]), or NULL for all.
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS name, pg_catalog.pg_get_userbyid(n.nspowner) AS owner
FROM pg_catalog.pg_namespace n, p
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
ORDER BY 1
