package dev.bulwark.copy;

import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.EnumType;
import dev.bulwark.catalog.CatalogSnapshot.Index;
import dev.bulwark.catalog.CatalogSnapshot.Sequence;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.PostDataScript.Entry;
import dev.bulwark.pg.Identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schema as DDL generated from a {@link CatalogSnapshot}, for when no pg_dump that can dump
 * the source is installed. It covers schemas, enums, sequences, tables (columns, defaults,
 * identity, generated columns, NOT NULL, CHECK), indexes, primary, unique, exclusion and foreign
 * keys; {@link #unsupported} names what else the source has, and the copy then stops rather
 * than produce a schema with holes. The snapshot must be read with an empty search_path, so
 * every name in its definitions is schema-qualified.
 */
final class CatalogSchema {
    private CatalogSchema() {
    }

    /** What this generator cannot create among the copied objects, one phrase each; empty when it can do all. */
    static List<String> unsupported(CatalogSnapshot c, Set<TableRef> tables) {
        Set<String> out = new TreeSet<>();
        c.functions().forEach(f -> out.add(f.kind() + " " + f.objectName()));
        c.views().forEach(v -> out.add(v.objectType() + " " + v.objectName()));
        c.triggers().stream().filter(t -> tables.contains(t.table())).forEach(t -> out.add("trigger " + t.objectName()));
        c.extensions().stream().filter(e -> !e.name().equals("plpgsql")).forEach(e -> out.add("extension " + e.name()));
        for (Table t : c.tables()) {
            if (!tables.contains(t.ref())) {
                continue;
            }
            if (t.isPartitioned() || t.partitionOf() != null) {
                out.add("partitioned table " + (t.partitionOf() == null ? t.ref() : t.partitionOf()));
            }
            for (Column col : t.columns()) {
                String base = col.type().endsWith("[]") ? col.type().substring(0, col.type().length() - 2) : col.type();
                if (qualified(base) && enumOf(c, base).isEmpty()) {
                    out.add("type " + base);
                }
            }
        }
        c.constraints().stream().filter(k -> tables.contains(k.table()) && k.kind() == ConstraintKind.TRIGGER)
                .forEach(k -> out.add("constraint trigger " + k.objectName()));
        return List.copyOf(out);
    }

    /** Schemas, enums, sequences and tables with their columns and CHECKs: what must exist before rows arrive. */
    static String preData(CatalogSnapshot c, Set<TableRef> tables) {
        StringBuilder sql = new StringBuilder("SELECT pg_catalog.set_config('search_path', '', false);\n");
        c.schemas().forEach(s -> sql.append("CREATE SCHEMA IF NOT EXISTS ").append(Identifiers.quote(s.name())).append(";\n"));
        for (EnumType e : c.enums()) {
            sql.append("CREATE TYPE ").append(Identifiers.qualified(e.schema(), e.name())).append(" AS ENUM (")
                    .append(String.join(", ", e.labels().stream().map(CatalogSchema::literal).toList())).append(");\n");
        }
        for (Sequence s : c.sequences()) {
            if (identityColumn(c, s).isPresent() || (s.ownedBy() != null && !tables.contains(s.ownedBy()))) {
                continue; // an identity column creates its own
            }
            sql.append("CREATE SEQUENCE ").append(s.ref().sql()).append(sequenceOptions(s)).append(";\n");
        }
        for (Table t : c.tables()) {
            if (!tables.contains(t.ref())) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            for (Column col : t.columns()) {
                parts.add(column(c, t, col));
            }
            for (Constraint k : c.constraintsOf(t.ref())) {
                if (k.kind() == ConstraintKind.CHECK && k.validated()) {
                    parts.add("CONSTRAINT " + Identifiers.quote(k.name()) + " " + k.definition());
                }
            }
            sql.append("CREATE ").append("unlogged".equals(t.persistence()) ? "UNLOGGED " : "").append("TABLE ")
                    .append(t.ref().sql()).append(" (\n    ").append(String.join(",\n    ", parts)).append("\n);\n");
        }
        for (Sequence s : c.sequences()) {
            if (s.ownedBy() != null && tables.contains(s.ownedBy()) && identityColumn(c, s).isEmpty()) {
                sql.append("ALTER SEQUENCE ").append(s.ref().sql()).append(" OWNED BY ").append(s.ownedBy().sql()).append('.')
                        .append(Identifiers.quote(s.ownedByColumn())).append(";\n");
            }
        }
        return sql.toString();
    }

    /** Indexes and keys as post-data entries, tagged as pg_dump tags them so they are scheduled the same way. */
    static PostDataScript postData(CatalogSnapshot c, Set<TableRef> tables) {
        List<Entry> entries = new ArrayList<>();
        for (Index i : c.indexes()) {
            if (tables.contains(i.table()) && i.constraint() == null) {
                entries.add(new Entry(i.name(), "INDEX", i.table().schema(), i.definition() + ";"));
            }
        }
        for (Constraint k : c.constraints()) {
            if (!tables.contains(k.table())) {
                continue;
            }
            String add = "ALTER TABLE ONLY " + k.table().sql() + " ADD CONSTRAINT " + Identifiers.quote(k.name()) + " "
                    + k.definition() + ";";
            String tag = k.table().name() + " " + k.name();
            switch (k.kind()) {
                case PRIMARY_KEY, UNIQUE, EXCLUSION -> entries.add(new Entry(tag, "CONSTRAINT", k.table().schema(), add));
                case CHECK -> {
                    if (!k.validated()) {
                        entries.add(new Entry(tag, "CONSTRAINT", k.table().schema(), add));
                    }
                }
                case FOREIGN_KEY -> entries.add(new Entry(tag, "FK CONSTRAINT", k.table().schema(), add));
                default -> {
                    // NOT NULL is part of the column; constraint triggers are refused by unsupported()
                }
            }
        }
        return new PostDataScript("SELECT pg_catalog.set_config('search_path', '', false);\n", entries);
    }

    private static String column(CatalogSnapshot c, Table t, Column col) {
        StringBuilder s = new StringBuilder(Identifiers.quote(col.name())).append(' ').append(col.type());
        if (col.generated() != null) {
            s.append(" GENERATED ALWAYS AS (").append(col.defaultExpression()).append(") STORED");
        } else if (col.identity() == null && col.defaultExpression() != null) {
            s.append(" DEFAULT ").append(col.defaultExpression());
        }
        if (col.notNull()) {
            s.append(" NOT NULL");
        }
        if (col.identity() != null) {
            s.append(" GENERATED ").append(col.identity().toUpperCase(Locale.ROOT)).append(" AS IDENTITY");
            c.sequences().stream().filter(q -> t.ref().equals(q.ownedBy()) && col.name().equals(q.ownedByColumn())).findFirst()
                    .ifPresent(q -> s.append(" (SEQUENCE NAME ").append(q.ref().sql()).append(limits(q)).append(')'));
        }
        return s.toString();
    }

    private static String sequenceOptions(Sequence s) {
        return " AS " + s.type() + limits(s);
    }

    /** An identity's sequence takes its type from the column: only these. */
    private static String limits(Sequence s) {
        return " INCREMENT BY " + s.increment() + " MINVALUE " + s.minValue() + " MAXVALUE " + s.maxValue()
                + " START WITH " + s.startValue();
    }

    private static Optional<Column> identityColumn(CatalogSnapshot c, Sequence s) {
        if (s.ownedBy() == null) {
            return Optional.empty();
        }
        return c.table(s.ownedBy()).flatMap(t -> t.column(s.ownedByColumn())).filter(col -> col.identity() != null);
    }

    /** A type name with a schema: not built in (with an empty search_path, only pg_catalog's types print bare). */
    private static boolean qualified(String type) {
        boolean quoted = false;
        for (int i = 0; i < type.length(); i++) {
            char ch = type.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == '.' && !quoted) {
                return true;
            }
        }
        return false;
    }

    private static Optional<EnumType> enumOf(CatalogSnapshot c, String type) {
        return c.enums().stream().filter(e -> Identifiers.qualified(e.schema(), e.name()).equals(type)
                || new TableRef(e.schema(), e.name()).toString().equals(type)).findFirst();
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
