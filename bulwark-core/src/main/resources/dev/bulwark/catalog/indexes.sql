-- Indexes with validity, key columns (NULL name for an expression) and the signature two
-- indexes share when they are duplicates (same keys, operator classes, collations, options,
-- expressions and predicate). indnullsnotdistinct is read through to_jsonb so the query also
-- runs on servers older than 15, which lack the column.
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS schema, t.relname AS table_name, i.relname AS name,
       pg_catalog.pg_get_indexdef(x.indexrelid) AS definition,
       x.indisunique AS is_unique, x.indisprimary AS is_primary, x.indisvalid AND x.indisready AS valid,
       pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS predicate,
       ARRAY(SELECT a.attname FROM pg_catalog.generate_series(0, x.indnkeyatts - 1) k
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k] AND x.indkey[k] <> 0
             ORDER BY k) AS key_columns,
       ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, true) FROM pg_catalog.generate_series(1, x.indnkeyatts) k
             ORDER BY k) AS key_definitions,
       COALESCE((pg_catalog.to_jsonb(x) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct,
       (SELECT con.conname FROM pg_catalog.pg_constraint con WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid
          AND con.contype IN ('p', 'u', 'x') LIMIT 1) AS constraint_name,
       x.indkey::text || '|' || x.indclass::text || '|' || x.indcollation::text || '|' || x.indoption::text || '|'
         || COALESCE(pg_catalog.pg_get_expr(x.indexprs, x.indrelid), '') || '|' || COALESCE(pg_catalog.pg_get_expr(x.indpred, x.indrelid), '')
         || '|' || a.amname AS signature,
       pg_catalog.pg_relation_size(i.oid) AS bytes,
       t.relkind::text AS table_relkind
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_am a ON a.oid = i.relam
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace, p
WHERE t.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
ORDER BY 1, 2, 3
