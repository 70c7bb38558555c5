-- Sequences with the column that owns them (SERIAL: deptype 'a'; identity: 'i') and the last
-- value handed out (NULL when never used, or when we may not read it).
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS schema, s.relname AS name, pg_catalog.format_type(seq.seqtypid, NULL) AS type,
       seq.seqstart AS start_value, seq.seqincrement AS increment, seq.seqmin AS min_value, seq.seqmax AS max_value,
       ps.last_value AS last_value,
       tn.nspname AS owner_schema, tc.relname AS owner_table, a.attname AS owner_column
FROM pg_catalog.pg_class s
JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace
JOIN pg_catalog.pg_sequence seq ON seq.seqrelid = s.oid
LEFT JOIN pg_catalog.pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = s.relname
LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = s.oid
     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid, p
WHERE s.relkind = 'S' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
ORDER BY 1, 2
