package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;

/** ADD COLUMN that rewrites the table (volatile default, stored generated, serial, identity). See docs/rules/volatile-default.md. */
public final class VolatileDefaultRule extends StatementRule {
    @Override
    public String id() {
        return "volatile-default";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "ADD COLUMN that rewrites the table (volatile default, stored generated, serial, identity)";
    }

    @Override
    public String help() {
        return "add the column without a default, set the default separately, backfill in batches; bulwark plan <migration> writes these phases";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !Existing.at(ctx, s, at.table().name())) {
            return;
        }
        for (Recognized.Action a : at.actions()) {
            if (!(a instanceof Recognized.AddColumn ac)) {
                continue;
            }
            ColumnDef c = ac.column();
            String why = null;
            if (c.generatedStored()) {
                why = "GENERATED … STORED computes every existing row";
            } else if (c.identity()) {
                why = "an identity column fills every existing row";
            } else if (c.type().endsWith("serial")) {
                why = c.type() + " fills every existing row from a sequence";
            } else if (c.defaultExpr() != null && ctx.pgVersion() < 11) {
                why = "before PostgreSQL 11 any DEFAULT writes every existing row";
            } else if (c.defaultExpr() != null && volatileCall(c.defaultExpr()) != null) {
                why = "DEFAULT " + volatileCall(c.defaultExpr()) + "() is volatile, so it is evaluated for every existing row";
            } else if (c.defaultExpr() != null && userCall(c.defaultExpr(), s) != null) {
                String f = userCall(c.defaultExpr(), s);
                String declared = s.before().functionVolatility(f);
                why = declared == null
                        ? "DEFAULT " + f + "() calls a function whose volatility Bulwark cannot see (no migration read creates it),"
                        + " so it is assumed volatile and evaluated for every existing row; declare it STABLE or IMMUTABLE if it is"
                        : "DEFAULT " + f + "() calls a function declared VOLATILE (PostgreSQL's default when CREATE FUNCTION names"
                        + " none), so it is evaluated for every existing row";
            }
            if (why != null) {
                ctx.report(s, a.at(), "ADD COLUMN " + c.name() + " rewrites all of " + at.table().name()
                        + " under ACCESS EXCLUSIVE: " + why,
                        "ADD COLUMN " + c.name() + " " + switch (c.type()) {
                            case "serial" -> "int";
                            case "bigserial" -> "bigint";
                            case "smallserial" -> "smallint";
                            default -> c.type();
                        }
                                + " without the default; then ALTER COLUMN " + c.name() + " SET DEFAULT …; then backfill in batches");
            }
        }
    }

    /** Functions PostgreSQL marks volatile that show up in defaults. */
    private static final java.util.Set<String> VOLATILE = java.util.Set.of("random", "gen_random_uuid", "uuid_generate_v1",
            "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval", "txid_current",
            "statement_timestamp", "setseed", "uuidv7", "uuidv4");

    /**
     * Built-in functions that are not volatile and show up in defaults (stable or immutable: the
     * default is evaluated once and stored in the catalog), and SQL words written like calls.
     */
    private static final java.util.Set<String> NOT_VOLATILE = java.util.Set.of("now", "transaction_timestamp",
            "current_date", "current_timestamp", "localtimestamp", "localtime", "current_time", "timezone", "date_trunc",
            "lower", "upper", "trim", "btrim", "ltrim", "rtrim", "coalesce", "nullif", "greatest", "least", "concat",
            "concat_ws", "length", "char_length", "md5", "to_char", "to_date", "to_timestamp", "make_date",
            "make_interval", "make_timestamp", "make_timestamptz", "jsonb_build_object", "json_build_object",
            "jsonb_build_array", "json_build_array", "to_jsonb", "to_json", "array", "cast", "row", "abs", "round",
            "floor", "ceil", "power", "date_part", "extract", "current_setting", "current_user", "session_user",
            "current_schema", "pg_current_xact_id", "inet_client_addr", "substring", "replace", "left", "right",
            "format", "interval", "timestamp", "timestamptz", "date", "time", "numeric", "decimal", "varchar", "char",
            "character", "bit", "int", "integer", "bigint", "smallint", "text", "bool", "boolean", "uuid", "jsonb", "json",
            "array_fill", "string_to_array", "array_to_string", "encode", "decode", "sha256", "gen_salt", "crypt",
            "pg_catalog", "any", "all", "some", "exists", "in", "values", "nextval_if_any");

    /**
     * The first call in {@code expr} to a function that is neither a known volatile nor a known
     * non-volatile built-in and that no migration declared STABLE or IMMUTABLE: a user function
     * (declared VOLATILE, or whose volatility cannot be seen), which PostgreSQL evaluates per row.
     */
    static String userCall(String expr, Analyzed s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z_][a-z0-9_.]*)\\s*\\(").matcher(expr);
        while (m.find()) {
            String name = m.group(1);
            String bare = name.startsWith("public.") ? name.substring(7) : name.startsWith("pg_catalog.") ? name.substring(11) : name;
            if (NOT_VOLATILE.contains(bare) || VOLATILE.contains(bare)) {
                continue;
            }
            String declared = s.before().functionVolatility(bare);
            if (declared == null || declared.equals("volatile")) {
                return bare;
            }
        }
        return null;
    }

    public static String volatileCall(String expr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z_][a-z0-9_]*)\\s*\\(").matcher(expr);
        while (m.find()) {
            if (VOLATILE.contains(m.group(1))) {
                return m.group(1);
            }
        }
        return null;
    }
}
