package dev.bulwark.sql.analysis;

import dev.bulwark.lint.Locks;
import dev.bulwark.lint.model.ForeignKey;
import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.model.TableModel;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.lint.rules.TypeChanges;
import dev.bulwark.migration.Migration;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.StatementClassifier;
import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;
import dev.bulwark.sql.analysis.StatementEffect.Action;
import dev.bulwark.sql.analysis.StatementEffect.ObjectChange;
import dev.bulwark.sql.analysis.StatementEffect.ObjectKind;
import dev.bulwark.sql.analysis.StatementEffect.Reversal;
import dev.bulwark.sql.analysis.StatementEffect.RowChange;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a statement, in the context of the schema folded from the earlier migrations, into its
 * {@link StatementEffect}. The only place in Bulwark that decides what a statement touches.
 */
public final class StatementAnalysis {
    /** The version assumed when the caller does not know the server's (lint's default). */
    public static final int DEFAULT_PG_MAJOR = 16;

    private StatementAnalysis() {
    }

    /** The effect of {@code s} with no schema context (every table it names is taken to exist). */
    public static StatementEffect analyze(Statement s, int pgMajor) {
        return analyze(s, Recognizers.recognize(s), new SchemaModel(), null, pgMajor);
    }

    /**
     * The effect of {@code s}.
     *
     * @param r           the recognizers' reading of {@code s}
     * @param before      the schema just before it (it is not changed)
     * @param migrationId the migration it belongs to (a table that migration created has no rows
     *                    anyone else owns yet), or null
     */
    public static StatementEffect analyze(Statement s, Recognized r, SchemaModel before, String migrationId, int pgMajor) {
        Builder b = new Builder(s, r, before, migrationId, pgMajor);
        b.build();
        List<Locks.Lock> locks = locks(r, before, pgMajor);
        for (RowChange row : b.rows.values()) {
            // TRUNCATE … CASCADE and DROP SCHEMA … CASCADE take ACCESS EXCLUSIVE on every table they empty or drop
            if ((row.kind() == RowKind.TRUNCATE || row.kind() == RowKind.DROP_TABLE)
                    && locks.stream().noneMatch(l -> l.table().equals(row.table()))) {
                locks.add(new Locks.Lock(row.table(), Locks.Mode.ACCESS_EXCLUSIVE));
            }
        }
        if (r instanceof Recognized.Drop d && (d.objectKind().equals("trigger") || d.objectKind().equals("policy")
                || d.objectKind().equals("rule"))) {
            // DROP TRIGGER|POLICY|RULE name ON table: ACCESS EXCLUSIVE on the table
            List<Token> t = s.tokens();
            for (int i = 2; i + 1 < t.size(); i++) {
                if (t.get(i).isWord("on") && isName(t.get(i + 1))) {
                    StringBuilder name = new StringBuilder(t.get(i + 1).value());
                    if (i + 3 < t.size() && t.get(i + 2).isPunctuation('.') && isName(t.get(i + 3))) {
                        name = new StringBuilder(name.toString().equals("public") ? "" : name + ".").append(t.get(i + 3).value());
                    }
                    locks.add(new Locks.Lock(name.toString(), Locks.Mode.ACCESS_EXCLUSIVE));
                    b.target = name.toString();
                    break;
                }
            }
        }
        return new StatementEffect(s, r, b.objects, new ArrayList<>(b.rows.values()), locks, b.target,
                b.rewrite, b.rewriteColumns, b.fullScan, b.scanColumns, !requiresAutocommit(s, r, pgMajor), b.reversal, b.renames);
    }

    /**
     * Every statement of the up scripts of {@code selected}, by migration id in the order of
     * {@code ordered}, each analysed in the schema folded from all migrations of {@code ordered}
     * up to it (the earlier ones included, so DROP SCHEMA … CASCADE knows the schema's tables). A
     * script that cannot be split contributes no statements (lint and preflight report it).
     */
    public static Map<String, List<StatementEffect>> ups(List<Migration> ordered, Set<String> selected, int pgMajor) {
        SchemaModel model = new SchemaModel();
        Map<String, List<StatementEffect>> out = new LinkedHashMap<>();
        for (Migration m : ordered) {
            for (Statement s : upStatements(m)) {
                Recognized r = Recognizers.recognize(s);
                if (selected.contains(m.id())) {
                    out.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(analyze(s, r, model, m.id(), pgMajor));
                }
                model.apply(r, m.id());
            }
        }
        return out;
    }

    /** The statements of {@code m}'s up; none when it cannot be split (SqlSyntaxException: lint and preflight report it). */
    private static List<Statement> upStatements(Migration m) {
        try {
            return SqlSplitter.split(m.up().sql(), m.location().getFileName().toString(), m.up().firstLine());
        } catch (RuntimeException unreadable) {
            return List.of();
        }
    }

    /**
     * Whether {@code relation} (a table, partition or materialized view) is one other sessions see
     * and hold rows in when a statement of migration {@code migrationId} runs on schema
     * {@code before}: false only for a relation that migration created earlier (nobody else uses it
     * yet). A relation the migrations never created predates them and exists; one dropped and created
     * again under the same name is new only from its CREATE on; {@code CREATE TABLE IF NOT EXISTS} of
     * a table that exists creates nothing; renames keep what the relation was. The one decision of
     * "new in this migration": the effect's {@link RowChange#existing()} and every lint rule read it.
     * With no migration id (a statement analysed alone) every relation exists.
     */
    public static boolean existing(SchemaModel before, String migrationId, String relation) {
        if (relation == null) {
            return false;
        }
        return migrationId == null || !migrationId.equals(before.createdBy(relation));
    }

    /** The migration id a down's statements are analysed under: what its own up created counts as existing. */
    public static String downId(String migrationId) {
        return migrationId + "#down";
    }

    /**
     * Every statement of the down scripts of {@code selected}, by migration id in the order of
     * {@code ordered}, each analysed in the schema at the end of its own up (folded from all
     * migrations of {@code ordered} up to it) changed by the down's earlier statements. Unlike in
     * lint, where a down removing what its own up added is the expected inverse, the objects the up
     * created count as existing here: when a down runs (a rollback), they have been live and hold
     * the rows written since, which the down destroys. A migration without a down, or whose down
     * cannot be split, contributes no statements.
     */
    public static Map<String, List<StatementEffect>> downs(List<Migration> ordered, Set<String> selected, int pgMajor) {
        SchemaModel model = new SchemaModel();
        Map<String, List<StatementEffect>> out = new LinkedHashMap<>();
        for (Migration m : ordered) {
            for (Statement s : upStatements(m)) {
                model.apply(Recognizers.recognize(s), m.id());
            }
            if (!selected.contains(m.id()) || m.down() == null) {
                continue;
            }
            List<Statement> down;
            try {
                down = SqlSplitter.split(m.down().sql(), m.down().file().getFileName().toString(), m.down().firstLine());
            } catch (RuntimeException unreadable) {
                continue;
            }
            SchemaModel atDown = model.snapshot();
            String id = downId(m.id());
            List<StatementEffect> effects = new ArrayList<>();
            for (Statement s : down) {
                Recognized r = Recognizers.recognize(s);
                effects.add(analyze(s, r, atDown, id, pgMajor));
                atDown.apply(r, id);
            }
            out.put(m.id(), effects);
        }
        return out;
    }

    /** The locks {@code r} takes, as PostgreSQL {@code pgMajor} takes them. */
    static List<Locks.Lock> locks(Recognized r, SchemaModel before, int pgMajor) {
        List<Locks.Lock> out = new ArrayList<>(Locks.of(r, before));
        if (r instanceof Recognized.AlterTable at && before.table(at.table().name()) != null) {
            // dropping a foreign key drops its triggers on the referenced table: ACCESS EXCLUSIVE there (seen on PostgreSQL 15)
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.DropConstraint dc) {
                    TableModel.Constraint c = before.table(at.table().name()).constraint(dc.name());
                    if (c != null && c.kind() == Recognized.ConstraintKind.FOREIGN_KEY && c.refTable() != null
                            && !c.refTable().equals(at.table().name())) {
                        out.add(new Locks.Lock(c.refTable(), Locks.Mode.ACCESS_EXCLUSIVE));
                    }
                }
            }
        }
        if (pgMajor < 12 && r instanceof Recognized.AlterTable at
                && at.actions().stream().anyMatch(a -> a instanceof Recognized.AttachPartition)) {
            // before PostgreSQL 12, ATTACH PARTITION took ACCESS EXCLUSIVE on the parent
            out.replaceAll(l -> l.table().equals(at.table().name()) ? new Locks.Lock(l.table(), Locks.Mode.ACCESS_EXCLUSIVE) : l);
        }
        return out;
    }

    /** True for CREATE INDEX CONCURRENTLY and REINDEX … CONCURRENTLY: a failure can leave an INVALID index. */
    public static boolean buildsIndexConcurrently(Statement s) {
        Recognized r = Recognizers.recognize(s);
        return r instanceof Recognized.CreateIndex ci && ci.concurrently()
                || r instanceof Recognized.Reindex ri && ri.concurrently();
    }

    /** Whether PostgreSQL {@code pgMajor} refuses to run {@code s} inside a transaction block. */
    public static boolean requiresAutocommit(Statement s, int pgMajor) {
        return requiresAutocommit(s, Recognizers.recognize(s), pgMajor);
    }

    /**
     * CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, REINDEX SCHEMA/DATABASE/SYSTEM,
     * DETACH PARTITION … CONCURRENTLY, VACUUM, CLUSTER without a table, ALTER SYSTEM,
     * CREATE/DROP DATABASE, ALTER DATABASE … SET TABLESPACE, CREATE/DROP TABLESPACE,
     * CREATE/DROP SUBSCRIPTION (they may manage a replication slot; we cannot tell statically),
     * DISCARD ALL, COMMIT/ROLLBACK PREPARED, and ALTER TYPE … ADD VALUE before PostgreSQL 12.
     */
    static boolean requiresAutocommit(Statement s, Recognized r, int pgMajor) {
        if (r instanceof Recognized.CreateIndex ci) {
            return ci.concurrently();
        }
        if (r instanceof Recognized.DropIndex di) {
            return di.concurrently();
        }
        if (r instanceof Recognized.Reindex ri) {
            return ri.concurrently() || ri.target().equals("schema") || ri.target().equals("database")
                    || ri.target().equals("system");
        }
        if (r instanceof Recognized.AlterTable at) {
            return at.actions().stream().anyMatch(a -> a instanceof Recognized.DetachPartition dp && dp.concurrently());
        }
        if (r instanceof Recognized.Maintenance m) {
            // VACUUM always; CLUSTER with no table reclusters the whole database, one transaction per table
            return m.verb().equals("vacuum") || m.tables().isEmpty();
        }
        if (r instanceof Recognized.AlterType atp) {
            return pgMajor < 12 && atp.addValue();
        }
        List<Token> t = s.tokens();
        if (StatementClassifier.startsWith(s, "alter", "system")
                || StatementClassifier.startsWith(s, "create", "database") || StatementClassifier.startsWith(s, "drop", "database")
                || StatementClassifier.startsWith(s, "create", "tablespace") || StatementClassifier.startsWith(s, "drop", "tablespace")
                || StatementClassifier.startsWith(s, "create", "subscription") || StatementClassifier.startsWith(s, "drop", "subscription")
                || StatementClassifier.startsWith(s, "discard", "all")
                || StatementClassifier.startsWith(s, "commit", "prepared") || StatementClassifier.startsWith(s, "rollback", "prepared")) {
            return true;
        }
        if (StatementClassifier.startsWith(s, "alter", "database")) {
            for (int i = 2; i + 1 < t.size(); i++) {
                if (t.get(i).isWord("set") && t.get(i + 1).isWord("tablespace")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Collects one statement's effect. */
    private static final class Builder {
        private final Statement s;
        private final Recognized r;
        private final SchemaModel before;
        private final String migrationId;
        private final int pgMajor;
        final List<ObjectChange> objects = new ArrayList<>();
        /** keyed by kind and table, so DROP a, DROP b of one table is one DROP_COLUMN with two columns */
        final Map<String, RowChange> rows = new LinkedHashMap<>();
        final List<StatementEffect.Rename> renames = new ArrayList<>();
        final List<String> rewriteColumns = new ArrayList<>();
        final List<String> scanColumns = new ArrayList<>();
        String target;
        boolean rewrite;
        boolean fullScan;
        Reversal reversal = new Reversal(true, "nothing to undo");

        Builder(Statement s, Recognized r, SchemaModel before, String migrationId, int pgMajor) {
            this.s = s;
            this.r = r;
            this.before = before;
            this.migrationId = migrationId;
            this.pgMajor = pgMajor;
        }

        void build() {
            if (r instanceof Recognized.CreateTable ct) {
                createTable(ct);
            } else if (r instanceof Recognized.AlterTable at) {
                alterTable(at);
            } else if (r instanceof Recognized.CreateIndex ci) {
                target = ci.table() == null ? null : ci.table().name();
                String name = ci.name() != null ? ci.name().name()
                        : target + "_" + String.join("_", ci.columns()) + "_idx";
                objects.add(new ObjectChange(Action.CREATE, ObjectKind.INDEX, name));
                fullScan = true;
                reversal = new Reversal(true, "DROP INDEX " + (ci.concurrently() ? "CONCURRENTLY " : "") + name);
            } else if (r instanceof Recognized.DropIndex di) {
                for (Name n : di.names()) {
                    objects.add(new ObjectChange(Action.DROP, ObjectKind.INDEX, n.name()));
                    if (target == null) {
                        target = before.tableOfIndex(n.name());
                    }
                }
                reversal = new Reversal(true, "CREATE INDEX again as the earlier migration defined it");
            } else if (r instanceof Recognized.Drop d) {
                drop(d);
            } else if (r instanceof Recognized.Truncate t) {
                for (Name n : t.tables()) {
                    target = target == null ? n.name() : target;
                    row(RowKind.TRUNCATE, n.name(), List.of());
                    if (t.cascade()) {
                        cascade(n.name(), RowKind.TRUNCATE, true);
                    }
                }
                reversal = new Reversal(false, "the rows are gone: restore them from the deploy snapshot or a backup");
            } else if (r instanceof Recognized.Dml d && d.table() != null) {
                dml(d);
            } else if (r instanceof Recognized.Maintenance m) {
                rewrite = m.full();
                m.tables().forEach(n -> objects.add(new ObjectChange(Action.ALTER, ObjectKind.TABLE, n.name())));
                target = m.tables().isEmpty() ? null : m.tables().get(0).name();
            } else if (r instanceof Recognized.RefreshMaterializedView rm && rm.name() != null) {
                target = rm.name().name();
                objects.add(new ObjectChange(Action.ALTER, ObjectKind.MATERIALIZED_VIEW, target));
                rewrite = !rm.concurrently();
                fullScan = true;
            } else if (r instanceof Recognized.CreateMaterializedView cm && cm.name() != null) {
                target = cm.name().name();
                objects.add(new ObjectChange(Action.CREATE, ObjectKind.MATERIALIZED_VIEW, target));
                reversal = new Reversal(true, "DROP MATERIALIZED VIEW " + target);
            } else if (r instanceof Recognized.AlterType at && at.type() != null) {
                objects.add(new ObjectChange(Action.ALTER, ObjectKind.TYPE, at.type().name()));
                if (at.addValue()) {
                    reversal = new Reversal(false, "PostgreSQL cannot drop an enum value: recreate the type without it"
                            + " and convert every column that uses it");
                }
            } else if (r instanceof Recognized.CreateTrigger ct && ct.name() != null) {
                target = ct.table() == null ? null : ct.table().name();
                objects.add(new ObjectChange(Action.CREATE, ObjectKind.TRIGGER, ct.name().name()));
                reversal = new Reversal(true, "DROP TRIGGER " + ct.name().name() + (target == null ? "" : " ON " + target));
            } else if (r instanceof Recognized.RenameObject ro && ro.from() != null) {
                ObjectKind kind = kind(ro.objectKind());
                target = kind == ObjectKind.INDEX ? before.tableOfIndex(ro.from().name()) : ro.from().name();
                objects.add(new ObjectChange(Action.ALTER, kind, ro.from().name()));
                if (kind == ObjectKind.SCHEMA) {
                    // every table of the schema gets a new key: a later statement's loss is named as it was at the start
                    for (String t : before.tablesInSchema(ro.from().name())) {
                        renames.add(new StatementEffect.Rename(ObjectKind.TABLE, t, t, Name.inSchema(t, ro.to())));
                    }
                }
                reversal = new Reversal(true, "ALTER " + ro.objectKind().toUpperCase(java.util.Locale.ROOT) + " " + ro.to()
                        + " RENAME TO " + ro.from().name());
            } else if (r instanceof Recognized.CreateEnum ce && ce.type() != null) {
                objects.add(new ObjectChange(Action.CREATE, ObjectKind.TYPE, ce.type().name()));
                reversal = new Reversal(true, "DROP TYPE " + ce.type().name());
            } else if (r instanceof Recognized.Reindex ri && ri.name() != null) {
                target = ri.target().equals("index") ? before.tableOfIndex(ri.name().name()) : ri.name().name();
                fullScan = true;
            } else if (r instanceof Recognized.Opaque || r instanceof Recognized.CreateFunction) {
                // CREATE FUNCTION is recognized for its volatility (lint's volatile-default); the model names it like any other object
                opaque();
            }
        }

        private void createTable(Recognized.CreateTable ct) {
            target = ct.table().name();
            objects.add(new ObjectChange(Action.CREATE, ct.partitionOf() != null ? ObjectKind.PARTITION : ObjectKind.TABLE, target));
            for (Recognized.ColumnDef c : ct.columns()) {
                c.constraints().forEach(d -> constraint(target, d, false));
            }
            ct.constraints().forEach(d -> constraint(target, d, false));
            if (ct.asSelect()) {
                // CREATE TABLE … AS fills the new table; nobody else has its rows yet
                rows.put("INSERT " + target, new RowChange(RowKind.INSERT, target, List.of(), false));
            }
            reversal = new Reversal(true, "DROP TABLE " + target);
        }

        private void alterTable(Recognized.AlterTable at) {
            String table = at.table().name();
            target = table;
            TableModel model = before.table(table);
            List<String> undo = new ArrayList<>();
            boolean reversible = true;
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddColumn ac) {
                    Recognized.ColumnDef c = ac.column();
                    objects.add(new ObjectChange(Action.CREATE, ObjectKind.COLUMN, table + "." + c.name()));
                    row(RowKind.RESHAPE, table, List.of());
                    boolean fills = c.generatedStored() || c.identity() || c.type().endsWith("serial")
                            || (c.defaultExpr() != null && (pgMajor < 11 || Volatility.perRow(c.defaultExpr(), before)));
                    rewrite |= fills;
                    if (fills) {
                        rewriteColumns.add(c.name());
                    }
                    c.constraints().forEach(d -> constraint(table, d, true));
                    undo.add("DROP COLUMN " + c.name());
                } else if (a instanceof Recognized.DropColumn dc) {
                    if (dc.ifExists() && before.columnDropped(table, dc.column())) {
                        continue; // an earlier migration dropped it: IF EXISTS makes this a no-op (still under the lock)
                    }
                    objects.add(new ObjectChange(Action.DROP, ObjectKind.COLUMN, table + "." + dc.column()));
                    row(RowKind.DROP_COLUMN, table, List.of(dc.column()));
                    reversible = false;
                    undo.add("ADD COLUMN " + dc.column() + " (its values come back only from the deploy snapshot)");
                } else if (a instanceof Recognized.AlterColumnType act) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.COLUMN, table + "." + act.column()));
                    TableModel.Column old = model == null ? null : model.column(act.column());
                    // a USING that computes anything but the column itself (cast to the new type) computes every value again
                    boolean computes = act.using() && !plainCast(act.usingExpr(), act.column(), act.type());
                    boolean inPlace = old != null && !computes && TypeChanges.binaryCoercible(old.type(), act.type());
                    boolean lossless = old != null && !computes && holdsEveryValue(old.type(), act.type());
                    rewrite |= !inPlace;
                    fullScan |= !inPlace;
                    if (!inPlace) {
                        rewriteColumns.add(act.column());
                    }
                    row(lossless ? RowKind.RESHAPE : RowKind.TYPE_CHANGE, table, List.of(act.column()));
                    if (lossless) {
                        undo.add("ALTER COLUMN " + act.column() + " TYPE " + old.type());
                    } else {
                        reversible = false;
                        undo.add("ALTER COLUMN " + act.column() + " TYPE " + (old == null ? "<the old type>" : old.type())
                                + " (values the conversion changed come back only from the deploy snapshot)");
                    }
                } else if (a instanceof Recognized.SetNotNull sn) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.COLUMN, table + "." + sn.column()));
                    // a column already NOT NULL is left as it is: no scan, and nothing to undo (PostgreSQL checks
                    // attnotnull first); since PostgreSQL 12 a validated CHECK (col IS NOT NULL) spares the scan;
                    // before, it always scans
                    TableModel.Column col = model == null ? null : model.column(sn.column());
                    boolean already = col != null && col.notNull();
                    boolean scans = !already
                            && (pgMajor < 12 || model == null || !model.hasValidatedNotNullCheck(sn.column()));
                    fullScan |= scans;
                    if (scans) {
                        scanColumns.add(sn.column());
                    }
                    if (!already) {
                        undo.add("ALTER COLUMN " + sn.column() + " DROP NOT NULL");
                    }
                } else if (a instanceof Recognized.DropNotNull dn) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.COLUMN, table + "." + dn.column()));
                    undo.add("ALTER COLUMN " + dn.column() + " SET NOT NULL");
                } else if (a instanceof Recognized.SetDefault sd) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.COLUMN, table + "." + sd.column()));
                    undo.add("ALTER COLUMN " + sd.column() + " SET DEFAULT <the previous default> (or DROP DEFAULT)");
                } else if (a instanceof Recognized.AddConstraint ac) {
                    String name = constraint(table, ac.constraint(), true);
                    undo.add("DROP CONSTRAINT " + name);
                } else if (a instanceof Recognized.ValidateConstraint vc) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.CONSTRAINT, table + "." + vc.name()));
                    fullScan = true;
                } else if (a instanceof Recognized.DropConstraint dc) {
                    objects.add(new ObjectChange(Action.DROP, ObjectKind.CONSTRAINT, table + "." + dc.name()));
                    undo.add("ADD CONSTRAINT " + dc.name() + " as the earlier migration defined it");
                } else if (a instanceof Recognized.RenameAction ra) {
                    if (ra.renamesTable()) {
                        objects.add(new ObjectChange(Action.ALTER, ObjectKind.TABLE, table));
                        row(RowKind.RESHAPE, table, List.of());
                        undo.add(ra.what().equals("schema") ? "SET SCHEMA " + Name.schemaOf(table) + " (on " + ra.tableAfter(table) + ")"
                                : "RENAME TO " + Name.bare(table) + " (on " + ra.to() + ")");
                        renames.add(new StatementEffect.Rename(ObjectKind.TABLE, table, table, ra.tableAfter(table)));
                    } else if (ra.what().equals("column")) {
                        objects.add(new ObjectChange(Action.ALTER, ObjectKind.COLUMN, table + "." + ra.from()));
                        row(RowKind.RESHAPE, table, List.of());
                        undo.add("RENAME COLUMN " + ra.to() + " TO " + ra.from());
                        renames.add(new StatementEffect.Rename(ObjectKind.COLUMN, table, ra.from(), ra.to()));
                    } else {
                        objects.add(new ObjectChange(Action.ALTER, ObjectKind.CONSTRAINT, table + "." + ra.from()));
                        undo.add("RENAME CONSTRAINT " + ra.to() + " TO " + ra.from());
                    }
                } else if (a instanceof Recognized.RewriteAction) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.TABLE, table));
                    rewrite = true;
                } else if (a instanceof Recognized.AttachPartition ap && ap.partition() != null) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.PARTITION, ap.partition().name()));
                    fullScan = true; // the partition is scanned to check its rows fit the bounds
                    undo.add("DETACH PARTITION " + ap.partition().name());
                } else if (a instanceof Recognized.DetachPartition dp && dp.partition() != null) {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.PARTITION, dp.partition().name()));
                    undo.add("ATTACH PARTITION " + dp.partition().name() + " FOR VALUES … (its bounds)");
                } else {
                    objects.add(new ObjectChange(Action.ALTER, ObjectKind.TABLE, table));
                }
            }
            reversal = new Reversal(reversible, undo.isEmpty() ? "nothing to undo"
                    : "ALTER TABLE " + table + " " + String.join(", ", reversed(undo)));
        }

        /** Records a constraint (and the unique index it builds, the table it references); returns its name. */
        private String constraint(String table, Recognized.ConstraintDef d, boolean onExisting) {
            String name = d.name() != null ? d.name() : Name.bare(table) + "_" + String.join("_", d.columns()) + "_"
                    + switch (d.kind()) {
                        case PRIMARY_KEY -> "pkey";
                        case UNIQUE -> "key";
                        case FOREIGN_KEY -> "fkey";
                        case CHECK -> "check";
                        case EXCLUDE -> "excl";
                        case NOT_NULL -> "not_null";
                    };
            if (d.kind() == Recognized.ConstraintKind.NOT_NULL) {
                fullScan |= onExisting;
                return name;
            }
            objects.add(new ObjectChange(Action.CREATE, ObjectKind.CONSTRAINT, table + "." + name));
            if ((d.kind() == Recognized.ConstraintKind.PRIMARY_KEY || d.kind() == Recognized.ConstraintKind.UNIQUE
                    || d.kind() == Recognized.ConstraintKind.EXCLUDE) && !d.usingIndex()) {
                objects.add(new ObjectChange(Action.CREATE, ObjectKind.INDEX, name));
            }
            // a new table's constraints are checked as rows arrive; on an existing one they read every row
            fullScan |= onExisting && !d.notValid() && !d.usingIndex();
            return name;
        }

        private void drop(Recognized.Drop d) {
            ObjectKind kind = kind(d.objectKind());
            boolean reversible = true;
            String undo = "CREATE " + d.objectKind().toUpperCase(java.util.Locale.ROOT) + " again as the earlier migration defined it";
            for (Name n : d.names()) {
                objects.add(new ObjectChange(Action.DROP, kind, n.name()));
                target = target == null ? n.name() : target;
                if (kind == ObjectKind.TABLE) {
                    row(RowKind.DROP_TABLE, n.name(), List.of());
                    reversible = false;
                } else if (kind == ObjectKind.SCHEMA && d.cascade()) {
                    for (String table : before.tablesInSchema(n.name())) {
                        objects.add(new ObjectChange(Action.DROP, ObjectKind.TABLE, table));
                        row(RowKind.DROP_TABLE, table, List.of());
                        reversible = false;
                    }
                } else if (kind == ObjectKind.SEQUENCE) {
                    undo += ", then setval() to where it was";
                }
            }
            if (!reversible) {
                undo = "the rows are gone: CREATE the table(s) again and restore the rows from the deploy snapshot or a backup";
            }
            reversal = new Reversal(reversible, undo);
        }

        private void dml(Recognized.Dml d) {
            target = d.table().name();
            switch (d.verb()) {
                case "insert" -> {
                    row(RowKind.INSERT, target, List.of());
                    reversal = new Reversal(true, "DELETE the rows it inserted");
                }
                case "delete" -> {
                    row(RowKind.DELETE, target, List.of());
                    fullScan = !d.hasWhere();
                    cascade(target, RowKind.DELETE, false);
                    reversal = new Reversal(false, "the rows are gone: restore them from the deploy snapshot or a backup");
                }
                default -> { // update, merge (MERGE's columns are not followed: every column may change)
                    row(RowKind.UPDATE, target, d.setColumns());
                    fullScan = !d.hasWhere();
                    cascade(target, RowKind.UPDATE, false);
                    reversal = new Reversal(false, "the old values are gone: restore them from the deploy snapshot or a backup");
                }
            }
        }

        /**
         * The tables whose rows a change to {@code parent} reaches through foreign keys: TRUNCATE …
         * CASCADE empties every referencing table; DELETE/UPDATE follow ON DELETE/ON UPDATE
         * CASCADE (rows deleted or updated), SET NULL and SET DEFAULT (rows updated).
         */
        private void cascade(String parent, RowKind kind, boolean truncate) {
            Deque<String> todo = new ArrayDeque<>(List.of(parent));
            Set<String> seen = new HashSet<>(todo);
            while (!todo.isEmpty()) {
                String p = todo.pop();
                for (ForeignKey fk : before.foreignKeysTo(p)) { // not foreignKeysByParent(): that builds every parent's list
                    Recognized.FkAction action = kind == RowKind.UPDATE ? fk.onUpdate() : fk.onDelete();
                    RowKind effect;
                    if (truncate) {
                        effect = RowKind.TRUNCATE;
                    } else if (action == Recognized.FkAction.CASCADE) {
                        effect = kind;
                    } else if (action == Recognized.FkAction.SET_NULL || action == Recognized.FkAction.SET_DEFAULT) {
                        effect = RowKind.UPDATE;
                    } else {
                        continue;
                    }
                    // a cascade UPDATE (ON UPDATE CASCADE, SET NULL, SET DEFAULT) writes only the child's foreign-key columns:
                    // a deploy snapshots those, and knows when they are part of the child's key (a join table's)
                    row(effect, fk.child(), effect == RowKind.UPDATE ? fk.columns() : List.of());
                    if (seen.add(fk.child()) && (truncate || effect == kind)) {
                        todo.add(fk.child());
                    }
                }
            }
        }

        /** CREATE/DROP of objects the recognizers do not model: views, sequences, functions, schemas, types, extensions. */
        private void opaque() {
            List<Token> t = s.tokens();
            if (t.isEmpty() || !(t.get(0).isWord("create") || t.get(0).isWord("drop") || t.get(0).isWord("copy"))) {
                return;
            }
            if (t.get(0).isWord("copy")) {
                // COPY t FROM …: rows added (COPY … TO only reads)
                if (t.size() > 1 && isName(t.get(1)) && t.stream().anyMatch(k -> k.isWord("from"))) {
                    target = t.get(1).value();
                    row(RowKind.INSERT, target, List.of());
                }
                return;
            }
            int i = 1;
            while (i < t.size() && (t.get(i).isWord("or") || t.get(i).isWord("replace") || t.get(i).isWord("temp")
                    || t.get(i).isWord("temporary") || t.get(i).isWord("recursive") || t.get(i).isWord("trusted")
                    || t.get(i).isWord("procedural"))) {
                i++;
            }
            if (i >= t.size() || t.get(i).kind() != TokenKind.WORD) {
                return;
            }
            String word = t.get(i).value();
            ObjectKind kind = kind(word);
            if (kind == ObjectKind.OTHER && !word.equals("domain") && !word.equals("procedure") && !word.equals("aggregate")) {
                return;
            }
            i++;
            while (i < t.size() && (t.get(i).isWord("if") || t.get(i).isWord("not") || t.get(i).isWord("exists"))) {
                i++;
            }
            StringBuilder name = new StringBuilder();
            while (i < t.size() && isName(t.get(i))) {
                String part = t.get(i).value();
                if (!(name.isEmpty() && part.equals("public") && i + 1 < t.size() && t.get(i + 1).isPunctuation('.'))) {
                    name.append(name.isEmpty() ? "" : ".").append(part);
                }
                if (i + 1 < t.size() && t.get(i + 1).isPunctuation('.')) {
                    i += 2;
                } else {
                    break;
                }
            }
            if (name.isEmpty()) {
                return;
            }
            boolean create = t.get(0).isWord("create");
            objects.add(new ObjectChange(create ? Action.CREATE : Action.DROP, kind, name.toString()));
            target = kind == ObjectKind.VIEW ? name.toString() : null;
            reversal = create ? new Reversal(true, "DROP " + word.toUpperCase(java.util.Locale.ROOT) + " " + name)
                    : new Reversal(true, "CREATE " + word.toUpperCase(java.util.Locale.ROOT) + " again as the earlier migration defined it");
        }

        private void row(RowKind kind, String table, List<String> columns) {
            String key = kind + " " + table;
            RowChange old = rows.get(key);
            List<String> cols = new ArrayList<>(old == null ? List.of() : old.columns());
            columns.stream().filter(c -> !cols.contains(c)).forEach(cols::add);
            if (kind == RowKind.UPDATE && (columns.isEmpty() || old != null && old.columns().isEmpty())) {
                cols.clear(); // an UPDATE's columns empty means every column (a cascade, MERGE, an unread SET list)
            }
            rows.put(key, new RowChange(kind, table, cols, existing(table)));
        }

        private boolean existing(String table) {
            return StatementAnalysis.existing(before, migrationId, table);
        }
    }

    /**
     * Whether a {@code USING} expression is only the column, or the column cast to the new type ({@code c::t},
     * {@code CAST(c AS t)}): PostgreSQL then treats the change as it would without {@code USING}.
     */
    static boolean plainCast(String expr, String column, String type) {
        String e = expr.replace("\"", "").replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
        String c = Pattern.quote(column.toLowerCase(Locale.ROOT));
        Matcher bare = Pattern.compile("(\\(" + c + "\\)|" + c + ")(?: ?:: ?(.+))?").matcher(e);
        Matcher cast = Pattern.compile("cast ?\\( ?" + c + " as (.+?) ?\\)").matcher(e);
        if (bare.matches()) {
            return bare.group(2) == null || Recognizers.normalizeType(bare.group(2)).equals(type);
        }
        return cast.matches() && Recognizers.normalizeType(cast.group(1)).equals(type);
    }

    /** int → bigint, real → double precision and the like: a new type that holds every old value. */
    /**
     * Whether every value of type {@code from} is a value of {@code to} as it is: a binary-coercible change or a widening
     * one. Lint's breaks-subscription asks it too: a subscriber's column of such a type takes what the publisher sends.
     */
    public static boolean holdsEveryValue(String from, String to) {
        return TypeChanges.binaryCoercible(from, to) || widens(from, to);
    }

    static boolean widens(String from, String to) {
        List<String> ints = List.of("smallint", "int2", "integer", "int", "int4", "bigint", "int8");
        int f = ints.indexOf(from);
        int t = ints.indexOf(to);
        if (f >= 0 && t >= 0) {
            return rank(from) <= rank(to);
        }
        if ((from.equals("real") || from.equals("float4")) && (to.equals("double precision") || to.equals("float8"))) {
            return true;
        }
        if ((f >= 0) && (to.equals("numeric") || to.equals("text"))) {
            return true;
        }
        return to.equals("text") && (from.startsWith("varchar") || from.startsWith("char") || from.startsWith("character"));
    }

    private static int rank(String intType) {
        return switch (intType) {
            case "smallint", "int2" -> 1;
            case "integer", "int", "int4" -> 2;
            default -> 3;
        };
    }

    private static ObjectKind kind(String word) {
        return switch (word) {
            case "table", "foreign table" -> ObjectKind.TABLE;
            case "view" -> ObjectKind.VIEW;
            case "materialized view" -> ObjectKind.MATERIALIZED_VIEW;
            case "index" -> ObjectKind.INDEX;
            case "sequence" -> ObjectKind.SEQUENCE;
            case "type", "domain" -> ObjectKind.TYPE;
            case "function", "procedure", "aggregate" -> ObjectKind.FUNCTION;
            case "schema" -> ObjectKind.SCHEMA;
            case "trigger" -> ObjectKind.TRIGGER;
            case "extension" -> ObjectKind.EXTENSION;
            default -> ObjectKind.OTHER;
        };
    }

    private static List<String> reversed(List<String> in) {
        List<String> out = new ArrayList<>(in);
        java.util.Collections.reverse(out);
        return out;
    }

    private static boolean isName(Token t) {
        return t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENTIFIER;
    }

}
