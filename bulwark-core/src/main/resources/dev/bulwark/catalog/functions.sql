-- Functions and procedures by signature, with a hash of the body (the body itself can be large).
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS schema, f.proname AS name, pg_catalog.pg_get_function_identity_arguments(f.oid) AS arguments,
       pg_catalog.pg_get_function_result(f.oid) AS result, f.prokind::text AS kind, l.lanname AS language,
       pg_catalog.md5(COALESCE(f.prosrc, '') || '|' || COALESCE(f.probin, '')) AS body_md5
FROM pg_catalog.pg_proc f
JOIN pg_catalog.pg_namespace n ON n.oid = f.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = f.prolang, p
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                  AND d.objid = f.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3
