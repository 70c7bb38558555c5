-- Columns of the tables read by tables.sql, in table order.
WITH p AS (SELECT ?::text[] AS schemas)
SELECT n.nspname AS schema, c.relname AS table_name, a.attname AS name, a.attnum AS position,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       a.attidentity::text AS identity, a.attgenerated::text AS generated
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum, p
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog$|toast|temp_)' AND (p.schemas IS NULL OR n.nspname = ANY (p.schemas))
ORDER BY 1, 2, 4
