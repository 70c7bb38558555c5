package dev.bulwark.sql.analysis;

import dev.bulwark.lint.model.SchemaModel;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which function calls in a column default PostgreSQL evaluates for every existing row (a volatile
 * default makes {@code ADD COLUMN} rewrite the table), and which it evaluates once. The statement
 * model decides the rewrite with it; volatile-default names the function it found.
 */
public final class Volatility {
    private static final Pattern CALL = Pattern.compile("([a-z_][a-z0-9_.]*)\\s*\\(");

    /** Functions PostgreSQL marks volatile that show up in defaults. */
    private static final Set<String> VOLATILE = Set.of("random", "gen_random_uuid", "uuid_generate_v1",
            "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval",
            "setseed", "gen_salt", "uuidv7", "uuidv4");

    /**
     * Built-in functions that are not volatile and show up in defaults (stable or immutable: the
     * default is evaluated once and stored in the catalog), type names written like calls
     * ({@code ::numeric(10,2)}), and SQL words written like calls.
     */
    private static final Set<String> NOT_VOLATILE = Set.of("now", "transaction_timestamp", "statement_timestamp",
            "current_date", "current_timestamp", "localtimestamp", "localtime", "current_time", "timezone", "date_trunc",
            "lower", "upper", "trim", "btrim", "ltrim", "rtrim", "coalesce", "nullif", "greatest", "least", "concat",
            "concat_ws", "length", "char_length", "md5", "to_char", "to_date", "to_timestamp", "make_date",
            "make_interval", "make_timestamp", "make_timestamptz", "jsonb_build_object", "json_build_object",
            "jsonb_build_array", "json_build_array", "to_jsonb", "to_json", "array", "cast", "row", "abs", "round",
            "floor", "ceil", "power", "date_part", "extract", "current_setting", "current_user", "session_user",
            "current_schema", "pg_current_xact_id", "txid_current", "inet_client_addr", "substring", "replace", "left", "right",
            "format", "interval", "timestamp", "timestamptz", "date", "time", "numeric", "decimal", "varchar", "char",
            "character", "bit", "varbit", "int", "integer", "bigint", "smallint", "text", "bool", "boolean", "uuid", "jsonb",
            "json", "array_fill", "string_to_array", "array_to_string", "encode", "decode", "sha256", "crypt",
            "pg_catalog", "any", "all", "some", "exists", "in", "values", "nextval_if_any");

    private Volatility() {
    }

    /** The first known volatile built-in {@code expr} calls, or null. */
    public static String volatileCall(String expr) {
        Matcher m = CALL.matcher(calls(expr));
        while (m.find()) {
            if (VOLATILE.contains(bare(m.group(1)))) {
                return bare(m.group(1));
            }
        }
        return null;
    }

    /**
     * The first call in {@code expr} to a function that is neither a known volatile nor a known
     * non-volatile built-in and that no migration before it declared STABLE or IMMUTABLE in
     * {@code schema}: a user function (declared VOLATILE, or whose volatility cannot be seen), which
     * PostgreSQL evaluates per row. Null when there is none.
     */
    public static String userCall(String expr, SchemaModel schema) {
        Matcher m = CALL.matcher(calls(expr));
        while (m.find()) {
            String bare = bare(m.group(1));
            if (NOT_VOLATILE.contains(bare) || VOLATILE.contains(bare)) {
                continue;
            }
            String declared = schema.functionVolatility(bare);
            if (declared == null || declared.equals("volatile")) {
                return bare;
            }
        }
        return null;
    }

    /** A default PostgreSQL evaluates for every existing row: a known volatile built-in, or a user function. */
    static boolean perRow(String expr, SchemaModel schema) {
        return volatileCall(expr) != null || userCall(expr, schema) != null;
    }

    /** The expression as calls are looked for in it: lower case, string literals emptied ({@code 'f(x)'} calls nothing). */
    private static String calls(String expr) {
        return expr.toLowerCase(Locale.ROOT).replaceAll("'[^']*'", "''");
    }

    private static String bare(String name) {
        return name.startsWith("public.") ? name.substring(7) : name.startsWith("pg_catalog.") ? name.substring(11) : name;
    }
}
