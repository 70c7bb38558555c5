package dev.bulwark.sql.analysis;

import dev.bulwark.lint.Locks;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.Statement;

import java.util.List;
import java.util.Locale;

/**
 * What one statement does, in the context of the schema folded from the migrations before it:
 * the one description every part of Bulwark reads (lint's rules, deploy's snapshots, verify's
 * expected changes, the rehearsal's trace findings, the migration engine's transaction
 * decision, the audit). Made only by {@link StatementAnalysis}; see docs/statement-model.md.
 *
 * @param statement     the statement
 * @param recognized    the recognizers' reading of it ({@link Recognized.Opaque} when they cannot follow it)
 * @param objects       objects it creates, alters or drops, in statement order
 * @param rows          tables whose rows it removes, changes or adds (see {@link RowChange#destructive()})
 * @param locks         the table-level locks it takes, for the PostgreSQL major version it was analysed for
 * @param target        the relation the statement is about (the table altered, indexed, created, …), or null
 * @param rewrite       it rewrites a table (new storage, every row written again)
 * @param rewriteColumns the columns of {@code target} whose ADD COLUMN or ALTER COLUMN TYPE makes it rewrite the
 *                      table (empty when the rewrite comes from elsewhere: SET LOGGED, VACUUM FULL, …)
 * @param fullScan      it reads every row of a table (validating a constraint, building an index, …)
 * @param scanColumns   the columns of {@code target} whose SET NOT NULL makes it read every row
 * @param transactional it can run inside a transaction block
 * @param reversal      whether it can be undone, and by what
 * @param renames       tables and columns it renames, in statement order (what a later statement's
 *                      names were called before it: {@link NamesAtStart})
 */
public record StatementEffect(Statement statement, Recognized recognized, List<ObjectChange> objects,
                              List<RowChange> rows, List<Locks.Lock> locks, String target, boolean rewrite,
                              List<String> rewriteColumns, boolean fullScan, List<String> scanColumns, boolean transactional, Reversal reversal, List<Rename> renames) {
    public StatementEffect {
        objects = List.copyOf(objects);
        renames = List.copyOf(renames);
        rows = List.copyOf(rows);
        locks = List.copyOf(locks);
        rewriteColumns = List.copyOf(rewriteColumns);
        scanColumns = List.copyOf(scanColumns);
    }

    /** Kinds of schema object a statement can create, alter or drop. */
    public enum ObjectKind {
        TABLE, VIEW, MATERIALIZED_VIEW, INDEX, CONSTRAINT, SEQUENCE, TYPE, FUNCTION, SCHEMA, PARTITION, COLUMN, TRIGGER,
        EXTENSION, OTHER;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public enum Action { CREATE, ALTER, DROP }

    /**
     * One object the statement creates, alters or drops.
     *
     * @param name the object's name as the schema model keys it ({@code public.} dropped); for a
     *             column or constraint, {@code table.column} / {@code table.constraint}
     */
    public record ObjectChange(Action action, ObjectKind kind, String name) {
        @Override
        public String toString() {
            return action.name().toLowerCase(Locale.ROOT) + " " + kind.label() + " " + name;
        }
    }

    /** How a statement changes a table's rows. */
    public enum RowKind {
        /** DROP TABLE, or DROP SCHEMA … CASCADE for each table of the schema: every row is gone. */
        DROP_TABLE("DROP TABLE", true),
        /** ALTER TABLE … DROP COLUMN: the column's values are gone. */
        DROP_COLUMN("DROP COLUMN", true),
        DELETE("DELETE", true),
        UPDATE("UPDATE", true),
        TRUNCATE("TRUNCATE", true),
        /** ALTER COLUMN … TYPE to a type that can lose data (narrower, or a conversion PostgreSQL cannot do in place). */
        TYPE_CHANGE("ALTER COLUMN TYPE", true),
        /** INSERT, MERGE, COPY … FROM: rows added; nothing lost. */
        INSERT("INSERT", false),
        /** ALTER TABLE that changes every row's shape without losing values (ADD COLUMN, a widening type change, RENAME). */
        RESHAPE("ALTER TABLE", false);

        private final String label;
        private final boolean destructive;

        RowKind(String label, boolean destructive) {
            this.label = label;
            this.destructive = destructive;
        }

        public String label() {
            return label;
        }

        public boolean destructive() {
            return destructive;
        }
    }

    /**
     * A table whose rows the statement removes or changes.
     *
     * @param table    the table as the model keys it ({@code public.} dropped, else {@code schema.table})
     * @param columns  for DROP COLUMN and TYPE_CHANGE, the columns; for UPDATE, the columns its SET
     *                 assigns (empty: every column may change); else empty
     * @param existing the table existed before the migration (in the folded schema, or unknown to it:
     *                 a table the migrations never created is taken to exist); false for a table
     *                 created earlier in the same migration, whose rows nobody else has yet
     */
    public record RowChange(RowKind kind, String table, List<String> columns, boolean existing) {
        public RowChange {
            columns = List.copyOf(columns);
        }

        public boolean destructive() {
            return kind.destructive();
        }

        /** The schema part of {@link #table()}, or null when unqualified. */
        public String schema() {
            return Name.qualifier(table);
        }

        /** The table part of {@link #table()}. */
        public String bareName() {
            return Name.bare(table);
        }
    }

    /**
     * A table or column the statement renames.
     *
     * @param kind  {@link ObjectKind#TABLE} or {@link ObjectKind#COLUMN}
     * @param table the table as the model keys it, under its name before the statement
     * @param from  for a table, {@code table}; for a column, the column's old name
     * @param to    for a table, its new name as the model keys it (same schema); for a column, the new name
     */
    public record Rename(ObjectKind kind, String table, String from, String to) {
    }

    /**
     * Whether the statement can be undone, and by what.
     *
     * @param reversible an undo restores the schema and the data as they were
     * @param undo       the SQL (or action) that undoes it, or why nothing does
     */
    public record Reversal(boolean reversible, String undo) {
    }

    /** The row changes that lose data (what deploy snapshots, what lint calls destructive). */
    public List<RowChange> destructive() {
        return rows.stream().filter(RowChange::destructive).toList();
    }

    /** The destructive row changes on tables that existed before the migration: what a deploy must snapshot. */
    public List<RowChange> dataLoss() {
        return rows.stream().filter(r -> r.destructive() && r.existing()).toList();
    }

    /** The data-losing change of {@code kind} on {@code table} (a table that existed before the migration), or null. */
    public RowChange loss(RowKind kind, String table) {
        for (RowChange r : rows) {
            if (r.kind() == kind && r.existing() && r.table().equals(table)) {
                return r;
            }
        }
        return null;
    }

    /** The strongest lock the statement takes on {@code table}, or null. */
    public Locks.Mode lockOn(String table) {
        Locks.Mode strongest = null;
        for (Locks.Lock l : locks) {
            if (l.table().equals(table) && (strongest == null || l.mode().compareTo(strongest) > 0)) {
                strongest = l.mode();
            }
        }
        return strongest;
    }

    /** The statement is BEGIN / COMMIT / ROLLBACK / … */
    public boolean transactionControl() {
        return recognized instanceof Recognized.TransactionControl;
    }
}
