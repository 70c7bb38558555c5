package dev.bulwark.catalog;

import dev.bulwark.pg.Identifiers;

import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table by schema and name, exactly as stored in the catalog (case and spaces kept).
 * {@link #sql()} is the quoted form for statements; {@link #toString()} the readable form for
 * messages, quoting only names that need it ({@code public."Order Items"}).
 */
public record TableRef(String schema, String name) implements Comparable<TableRef> {
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
    private static final Comparator<TableRef> ORDER = Comparator.comparing(TableRef::schema).thenComparing(TableRef::name);

    public TableRef {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    /** {@code "schema"."name"}, through the one quoting helper. */
    public String sql() {
        return Identifiers.qualified(schema, name);
    }

    /** A name as a reader would write it: bare when it is a plain lower-case identifier, else quoted. */
    public static String display(String identifier) {
        return PLAIN.matcher(identifier).matches() ? identifier : Identifiers.quote(identifier);
    }

    @Override
    public String toString() {
        return display(schema) + "." + display(name);
    }

    @Override
    public int compareTo(TableRef o) {
        return ORDER.compare(this, o);
    }
}
