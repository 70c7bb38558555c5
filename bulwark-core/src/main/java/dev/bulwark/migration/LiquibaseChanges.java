package dev.bulwark.migration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Liquibase change types translated to the PostgreSQL statements Liquibase 4.33 generates for them
 * (checked against Liquibase's own update-sql in LiquibaseXmlRoundTripIT). Table names are left
 * unqualified unless the change names a schema: Liquibase qualifies them with the connection's
 * default schema, which is where an unqualified name goes too.
 */
final class LiquibaseChanges {
    /**
     * @param statements the SQL, one statement each, without the final semicolon
     * @param checksum   the change's {@code 9:} checksum where Bulwark computes Liquibase's exactly (sql, sqlFile), else null
     * @param problem    why the change cannot run, or null
     */
    record Result(List<String> statements, String checksum, String problem) {
        static Result of(String... sql) {
            return new Result(List.of(sql), null, null);
        }

        static Result problem(String why) {
            return new Result(List.of(), null, why);
        }
    }

    private LiquibaseChanges() {
    }

    /** The statements of one change, or null for a change type Bulwark does not know. */
    static Result translate(LiquibaseChangelog.El c, Path changelog, Path root) {
        return switch (c.name()) {
            case "sql" -> {
                String text = c.text() == null ? "" : c.text();
                yield new Result(List.of(text.strip().replaceAll(";\\s*$", "")), LiquibaseChecksum.ofSqlChange(text), null);
            }
            case "sqlFile" -> sqlFile(c, changelog, root);
            case "createTable" -> createTable(c);
            case "addColumn" -> addColumn(c);
            case "createIndex" -> createIndex(c);
            case "addForeignKeyConstraint" -> addForeignKey(c);
            case "addNotNullConstraint" -> need(c, "tableName", "columnName") != null ? need(c, "tableName", "columnName")
                    : Result.of("ALTER TABLE " + table(c, "tableName") + " ALTER COLUMN " + c.attr("columnName") + " SET NOT NULL");
            case "addUniqueConstraint" -> need(c, "tableName", "columnNames") != null ? need(c, "tableName", "columnNames")
                    : Result.of("ALTER TABLE " + table(c, "tableName") + " ADD " + (c.attr("constraintName") != null
                    ? "CONSTRAINT " + c.attr("constraintName") + " " : "") + "UNIQUE (" + list(c.attr("columnNames")) + ")");
            case "dropColumn" -> dropColumn(c);
            case "dropTable" -> need(c, "tableName") != null ? need(c, "tableName")
                    : Result.of("DROP TABLE " + table(c, "tableName") + ("true".equalsIgnoreCase(c.attr("cascadeConstraints")) ? " CASCADE" : ""));
            case "dropIndex" -> need(c, "indexName") != null ? need(c, "indexName")
                    : Result.of("DROP INDEX " + (c.attr("schemaName") != null ? c.attr("schemaName") + "." : "") + c.attr("indexName"));
            case "renameColumn" -> need(c, "tableName", "oldColumnName", "newColumnName") != null
                    ? need(c, "tableName", "oldColumnName", "newColumnName")
                    : Result.of("ALTER TABLE " + table(c, "tableName") + " RENAME COLUMN " + c.attr("oldColumnName") + " TO "
                    + c.attr("newColumnName"));
            case "modifyDataType" -> {
                Result missing = need(c, "tableName", "columnName", "newDataType");
                if (missing != null) {
                    yield missing;
                }
                String type = type(c.attr("newDataType"));
                yield Result.of("ALTER TABLE " + table(c, "tableName") + " ALTER COLUMN " + c.attr("columnName") + " TYPE " + type
                        + " USING (" + c.attr("columnName") + "::" + type + ")");
            }
            default -> null;
        };
    }

    private static Result need(LiquibaseChangelog.El c, String... attrs) {
        for (String a : attrs) {
            if (c.attr(a) == null || c.attr(a).isBlank()) {
                return Result.problem(c.name() + " has no " + a);
            }
        }
        return null;
    }

    private static String table(LiquibaseChangelog.El c, String attr) {
        String schema = c.attr("schemaName");
        if (attr.startsWith("base") || attr.startsWith("referenced")) {
            schema = c.attr(attr.replace("TableName", "TableSchemaName"));
        }
        return (schema != null ? schema + "." : "") + c.attr(attr);
    }

    private static String list(String columns) {
        return String.join(", ", Arrays.stream(columns.split(",")).map(String::strip).toList());
    }

    private static Result sqlFile(LiquibaseChangelog.El c, Path changelog, Path root) {
        String path = c.attr("path");
        if (path == null) {
            return Result.problem("sqlFile has no path");
        }
        Path file = ("true".equalsIgnoreCase(c.attr("relativeToChangelogFile")) ? changelog.getParent() : root).resolve(path).normalize();
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return Result.problem("sqlFile " + path + " cannot be read (" + file + ")");
        }
        String sql = LiquibaseReader.withSemicolons(text, c.attr("endDelimiter"));
        return new Result(List.of(sql.strip().replaceAll(";\\s*$", "")), LiquibaseChecksum.ofSqlChange(text), null);
    }

    /** Liquibase's PostgreSQL name for a type as written in a changelog. */
    static String type(String t) {
        if (t == null) {
            return null;
        }
        String s = t.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        String base = lower.replaceAll("\\(.*", "").strip();
        String args = s.contains("(") ? s.substring(s.indexOf('(')).replaceAll("\\s*,\\s*", ", ") : "";
        return switch (base) {
            case "int", "integer", "int4" -> "INTEGER";
            case "bigint", "int8" -> "BIGINT";
            case "smallint", "int2" -> "SMALLINT";
            case "boolean", "bool" -> "BOOLEAN";
            case "datetime", "timestamp" -> "TIMESTAMP WITHOUT TIME ZONE";
            case "timestamptz" -> "TIMESTAMP WITH TIME ZONE";
            case "varchar", "character varying", "varchar2", "nvarchar" -> "VARCHAR" + args;
            case "char", "character" -> "CHAR" + args;
            case "decimal", "numeric", "number" -> (base.equals("numeric") ? "numeric" : "DECIMAL") + args;
            case "text", "clob" -> "TEXT";
            case "uuid" -> "UUID";
            case "date" -> "date";
            case "double", "float8" -> "DOUBLE PRECISION";
            case "float", "real", "float4" -> "FLOAT" + args;
            case "blob", "bytea" -> "BYTEA";
            default -> s;
        };
    }

    private static String autoIncrementType(String type) {
        return switch (type) {
            case "BIGINT" -> "BIGINT GENERATED BY DEFAULT AS IDENTITY";
            case "SMALLINT" -> "SMALLINT GENERATED BY DEFAULT AS IDENTITY";
            default -> "INTEGER GENERATED BY DEFAULT AS IDENTITY";
        };
    }

    private static String defaultValue(LiquibaseChangelog.El col) {
        if (col.attr("defaultValue") != null) {
            return "'" + col.attr("defaultValue").replace("'", "''") + "'";
        }
        if (col.attr("defaultValueNumeric") != null) {
            return col.attr("defaultValueNumeric");
        }
        if (col.attr("defaultValueBoolean") != null) {
            return Boolean.parseBoolean(col.attr("defaultValueBoolean")) ? "TRUE" : "FALSE";
        }
        if (col.attr("defaultValueComputed") != null) {
            return col.attr("defaultValueComputed");
        }
        if (col.attr("defaultValueDate") != null) {
            return "'" + col.attr("defaultValueDate") + "'";
        }
        return null;
    }

    private static LiquibaseChangelog.El constraints(LiquibaseChangelog.El col) {
        return col.all("constraints").stream().findFirst().orElse(null);
    }

    private static boolean is(LiquibaseChangelog.El cons, String attr) {
        return cons != null && "true".equalsIgnoreCase(cons.attr(attr));
    }

    private static boolean isFalse(LiquibaseChangelog.El cons, String attr) {
        return cons != null && "false".equalsIgnoreCase(cons.attr(attr));
    }

    /** A column's definition as Liquibase writes it in CREATE TABLE and ADD. */
    private static String column(LiquibaseChangelog.El col, boolean inCreate, List<String> pk) {
        String type = type(col.attr("type"));
        boolean auto = "true".equalsIgnoreCase(col.attr("autoIncrement"));
        StringBuilder b = new StringBuilder(col.attr("name")).append(' ').append(auto ? autoIncrementType(type) : type);
        String dflt = defaultValue(col);
        if (dflt != null) {
            b.append(" DEFAULT ").append(dflt);
        }
        LiquibaseChangelog.El cons = constraints(col);
        if (is(cons, "primaryKey") && inCreate) {
            pk.add(col.attr("name"));
        }
        if (isFalse(cons, "nullable") || is(cons, "primaryKey")) {
            b.append(" NOT NULL");
        }
        if (is(cons, "unique") && !inCreate) {
            String name = cons.attr("uniqueConstraintName");
            b.append(name != null ? " CONSTRAINT " + name + " UNIQUE" : " UNIQUE");
        }
        if (!inCreate && is(cons, "primaryKey")) {
            b.append(" PRIMARY KEY");
        }
        return b.toString();
    }

    private static Result createTable(LiquibaseChangelog.El c) {
        Result missing = need(c, "tableName");
        if (missing != null) {
            return missing;
        }
        List<String> defs = new ArrayList<>();
        List<String> pk = new ArrayList<>();
        String pkName = null;
        List<String> fks = new ArrayList<>();
        for (LiquibaseChangelog.El col : c.all("column")) {
            if (col.attr("name") == null || col.attr("type") == null) {
                return Result.problem("createTable " + c.attr("tableName") + " has a column without name or type");
            }
            defs.add(column(col, true, pk));
            LiquibaseChangelog.El cons = constraints(col);
            if (cons != null && cons.attr("primaryKeyName") != null) {
                pkName = cons.attr("primaryKeyName");
            }
            if (cons != null && cons.attr("references") != null) {
                fks.add((cons.attr("foreignKeyName") != null ? "CONSTRAINT " + cons.attr("foreignKeyName") + " " : "")
                        + "FOREIGN KEY (" + col.attr("name") + ") REFERENCES " + cons.attr("references"));
            }
        }
        if (!pk.isEmpty()) {
            defs.add("CONSTRAINT " + (pkName != null ? pkName : c.attr("tableName").toLowerCase(Locale.ROOT) + "_pkey")
                    + " PRIMARY KEY (" + String.join(", ", pk) + ")");
        }
        // Liquibase writes a column's unique constraint at the end of the table, after the primary key
        for (LiquibaseChangelog.El col : c.all("column")) {
            LiquibaseChangelog.El cons = constraints(col);
            if (is(cons, "unique")) {
                String name = cons.attr("uniqueConstraintName");
                defs.add((name != null ? "CONSTRAINT " + name + " " : "") + "UNIQUE (" + col.attr("name") + ")");
            }
        }
        defs.addAll(fks);
        return Result.of("CREATE TABLE " + table(c, "tableName") + " (" + String.join(", ", defs) + ")");
    }

    private static Result addColumn(LiquibaseChangelog.El c) {
        Result missing = need(c, "tableName");
        if (missing != null) {
            return missing;
        }
        List<String> out = new ArrayList<>();
        for (LiquibaseChangelog.El col : c.all("column")) {
            if (col.attr("name") == null || col.attr("type") == null) {
                return Result.problem("addColumn to " + c.attr("tableName") + " has a column without name or type");
            }
            out.add("ALTER TABLE " + table(c, "tableName") + " ADD " + column(col, false, new ArrayList<>()));
        }
        return new Result(out, null, null);
    }

    private static Result dropColumn(LiquibaseChangelog.El c) {
        Result missing = need(c, "tableName");
        if (missing != null) {
            return missing;
        }
        List<String> names = new ArrayList<>();
        if (c.attr("columnName") != null) {
            names.add(c.attr("columnName"));
        }
        c.all("column").forEach(col -> names.add(col.attr("name")));
        if (names.isEmpty()) {
            return Result.problem("dropColumn has no columnName");
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add("ALTER TABLE " + table(c, "tableName") + " DROP COLUMN " + n);
        }
        return new Result(out, null, null);
    }

    private static Result createIndex(LiquibaseChangelog.El c) {
        Result missing = need(c, "tableName");
        if (missing != null) {
            return missing;
        }
        List<String> cols = c.all("column").stream()
                .map(col -> col.attr("name") + ("true".equalsIgnoreCase(col.attr("descending")) ? " DESC" : "")).toList();
        if (cols.isEmpty()) {
            return Result.problem("createIndex has no column");
        }
        return Result.of("CREATE " + ("true".equalsIgnoreCase(c.attr("unique")) ? "UNIQUE " : "") + "INDEX "
                + (c.attr("indexName") != null ? c.attr("indexName") + " " : "") + "ON " + table(c, "tableName")
                + "(" + String.join(", ", cols) + ")");
    }

    private static Result addForeignKey(LiquibaseChangelog.El c) {
        Result missing = need(c, "baseTableName", "baseColumnNames", "referencedTableName", "referencedColumnNames", "constraintName");
        if (missing != null) {
            return missing;
        }
        StringBuilder b = new StringBuilder("ALTER TABLE ").append(table(c, "baseTableName")).append(" ADD CONSTRAINT ")
                .append(c.attr("constraintName")).append(" FOREIGN KEY (").append(list(c.attr("baseColumnNames")))
                .append(") REFERENCES ").append(table(c, "referencedTableName")).append(" (")
                .append(list(c.attr("referencedColumnNames"))).append(")");
        if (c.attr("onUpdate") != null) {
            b.append(" ON UPDATE ").append(c.attr("onUpdate"));
        }
        if (c.attr("onDelete") != null) {
            b.append(" ON DELETE ").append(c.attr("onDelete"));
        }
        if ("true".equalsIgnoreCase(c.attr("deferrable"))) {
            b.append(" DEFERRABLE");
        }
        if ("true".equalsIgnoreCase(c.attr("initiallyDeferred"))) {
            b.append(" INITIALLY DEFERRED");
        }
        if ("false".equalsIgnoreCase(c.attr("validate"))) {
            b.append(" NOT VALID");
        }
        return Result.of(b.toString());
    }
}
