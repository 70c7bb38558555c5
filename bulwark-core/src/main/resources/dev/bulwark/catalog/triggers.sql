-- User triggers (internal ones implement foreign keys and are covered by constraints.sql).
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS schema, c.relname AS table_name, t.tgname AS name,
       pg_catalog.pg_get_triggerdef(t.oid, true) AS definition, t.tgenabled::text AS enabled
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, p
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
ORDER BY 1, 2, 3
