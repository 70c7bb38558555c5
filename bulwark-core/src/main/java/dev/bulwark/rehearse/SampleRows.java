package dev.bulwark.rehearse;

import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.pg.Identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Generates {@code INSERT … SELECT … FROM generate_series} for sample rows that satisfy the
 * common constraints: NOT NULL columns get values, unique columns get distinct ones (from the
 * series), foreign keys point at an existing parent row, identity/serial/default columns are
 * left to their defaults. CHECK constraints are not solved: such inserts may fail and are skipped.
 */
final class SampleRows {
    private SampleRows() {
    }

    /** The INSERT, or null when the table has no column to fill. */
    static String insert(CatalogSnapshot snapshot, Table table, int rows) {
        List<String> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<Constraint> fks = snapshot.constraintsOf(table.ref()).stream().filter(c -> c.kind() == ConstraintKind.FOREIGN_KEY).toList();
        for (var col : table.columns()) {
            if (col.identity() != null || col.generated() != null || (col.defaultExpression() != null && !col.notNull())
                    || (col.defaultExpression() != null && col.defaultExpression().startsWith("nextval("))) {
                continue;
            }
            Constraint fk = fks.stream().filter(f -> f.columns().size() == 1 && f.columns().get(0).equals(col.name())).findFirst().orElse(null);
            String value;
            if (fk != null) {
                if (fk.references().equals(table.ref())) {
                    continue; // self-reference: leave NULL (or fail on NOT NULL, and skip the table)
                }
                value = "(SELECT " + Identifiers.quote(fk.referencedColumns().get(0)) + " FROM "
                        + Identifiers.qualified(fk.references().schema(), fk.references().name()) + " ORDER BY 1 LIMIT 1)";
            } else {
                value = valueFor(col.type());
                if (value == null) {
                    if (col.notNull() && col.defaultExpression() == null) {
                        return null; // a type we cannot invent values for
                    }
                    continue;
                }
            }
            columns.add(Identifiers.quote(col.name()));
            values.add(value);
        }
        if (columns.isEmpty()) {
            return null;
        }
        return "INSERT INTO " + Identifiers.qualified(table.schema(), table.name()) + " (" + String.join(", ", columns) + ") SELECT "
                + String.join(", ", values) + " FROM generate_series(1, " + rows + ") AS g";
    }

    /** A distinct value per row {@code g} for common types; null for types left alone. */
    static String valueFor(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.endsWith("[]")) {
            return "'{}'";
        }
        if (t.startsWith("smallint")) return "(g % 32000)::smallint";
        if (t.startsWith("integer") || t.startsWith("bigint") || t.startsWith("numeric") || t.startsWith("real")
                || t.startsWith("double precision")) return "g";
        if (t.startsWith("text") || t.startsWith("character varying") || t.startsWith("character(")) {
            return "left('sample ' || g, " + length(t) + ")";
        }
        if (t.startsWith("boolean")) return "(g % 2 = 0)";
        if (t.startsWith("uuid")) return "md5(g::text)::uuid";
        if (t.startsWith("timestamp") || t.startsWith("date")) return "(timestamp '2020-01-01' + g * interval '1 hour')::" + type;
        if (t.startsWith("jsonb") || t.startsWith("json")) return "jsonb_build_object('n', g)::" + type;
        if (t.startsWith("bytea")) return "decode(md5(g::text), 'hex')";
        return null;
    }

    private static int length(String type) {
        int open = type.indexOf('(');
        if (open > 0 && type.endsWith(")")) {
            try {
                return Integer.parseInt(type.substring(open + 1, type.length() - 1));
            } catch (NumberFormatException e) {
                return 100;
            }
        }
        return 100;
    }
}
