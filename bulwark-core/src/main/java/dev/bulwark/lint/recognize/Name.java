package dev.bulwark.lint.recognize;

import dev.bulwark.sql.Token;

/**
 * An object name as the model keys it: lower-cased unless quoted, {@code public.} dropped.
 *
 * @param name  the name
 * @param token where it starts, for finding positions
 */
public record Name(String name, Token token) {
    @Override
    public String toString() {
        return name;
    }

    // The one reading of a key ("schema.table", a public object unqualified), for the model, the statement
    // analysis and deploy; a dot inside a quoted name is not told apart from the schema's.

    /** The object's own name in a key: {@code orders} of {@code shop.orders} and of {@code orders}. */
    public static String bare(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? key : key.substring(dot + 1);
    }

    /** The schema a key names, or null when it is unqualified (a {@code public} object). */
    public static String qualifier(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? null : key.substring(0, dot);
    }

    /** The schema of a key: {@code public} when it is unqualified. */
    public static String schemaOf(String key) {
        String q = qualifier(key);
        return q == null ? "public" : q;
    }

    /** The key of the same object moved to {@code schema} (SET SCHEMA). */
    public static String inSchema(String key, String schema) {
        return schema.equals("public") ? bare(key) : schema + "." + bare(key);
    }

    /** The key of the same object renamed to {@code name} in its schema (RENAME TO). */
    public static String renamed(String key, String name) {
        String schema = qualifier(key);
        return schema == null ? name : schema + "." + name;
    }

    /** Whether the key names an object in {@code schema}. */
    public static boolean isIn(String key, String schema) {
        return schemaOf(key).equals(schema);
    }
}
