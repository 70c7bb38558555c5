package dev.bulwark.pg;

import java.util.Objects;

/**
 * The one place identifiers become SQL. Always double-quoted, so a name is used exactly as
 * stored in the catalog (case, spaces, reserved words) and can never end the identifier early.
 */
public final class Identifiers {
    private Identifiers() {
    }

    /** {@code "name"}, with embedded double quotes doubled. Rejects empty names and NUL, which PostgreSQL cannot store. */
    public static String quote(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        if (identifier.isEmpty()) {
            throw new IllegalArgumentException("an identifier cannot be empty");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an identifier cannot contain the NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}, or just {@code "name"} when {@code schema} is null. */
    public static String qualified(String schema, String name) {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }
}
