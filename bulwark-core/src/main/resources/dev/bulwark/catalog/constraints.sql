-- Table constraints. Copies that PostgreSQL clones onto partitions (conparentid <> 0) are left
-- out: they are implied by the constraint on the partitioned table and would count twice.
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS schema, c.relname AS table_name, con.conname AS name, con.contype::text AS kind,
       pg_catalog.pg_get_constraintdef(con.oid, true) AS definition, con.convalidated AS validated,
       con.condeferrable AS deferrable, con.condeferred AS initially_deferred,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
       fn.nspname AS ref_schema, fc.relname AS ref_table,
       ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
       NULLIF(con.confupdtype, ' ')::text AS on_update, NULLIF(con.confdeltype, ' ')::text AS on_delete,
       NULLIF(con.confmatchtype, ' ')::text AS match_type,
       pg_catalog.pg_get_expr(con.conbin, con.conrelid) AS check_expr,
       c.relkind::text AS relkind, fc.relkind::text AS ref_relkind
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace, p
WHERE con.conrelid <> 0 AND con.conparentid = 0 AND c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
ORDER BY 1, 2, 3
