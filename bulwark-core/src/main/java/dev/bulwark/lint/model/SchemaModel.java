package dev.bulwark.lint.model;

import dev.bulwark.lint.model.TableModel.Column;
import dev.bulwark.lint.model.TableModel.Constraint;
import dev.bulwark.lint.model.TableModel.Index;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintKind;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schema as folded from the migrations read so far: tables, columns and types, constraints
 * with their validity, indexes and the foreign-key graph. Statements are applied one by one.
 * <p>
 * Every field is a persistent (structure-sharing) collection, so {@link #snapshot()} costs nothing
 * and a statement costs about what it changes: a version kept for each statement shares all but
 * the changed paths with its neighbours. Two derived maps are kept up to date as tables change,
 * so rules never scan the whole schema: which table owns an index, and the foreign keys grouped
 * by parent table.
 */
public final class SchemaModel {
    private PMap<String, TableModel> tables;
    private PSet<String> enums;
    /** partition → its partitioned parent: an index built on the parent locks every partition */
    private PMap<String, String> partitionParent;
    /** index name → the table that owns it */
    private PMap<String, String> indexOwner;
    /** parent table → (child + NUL + constraint name → the foreign key) */
    private PMap<String, PMap<String, ForeignKey>> fksByParent;
    /** materialized view the migrations created (and did not drop) → the migration that created it */
    private PMap<String, String> materializedViews;
    /** tables created by CREATE TABLE … AS: they have rows from the start */
    private PSet<String> filledByQuery;
    /** table → the migration that created it again after dropping it */
    private PMap<String, String> recreatedBy;
    /** tables the migrations dropped (by DROP TABLE or DROP SCHEMA … CASCADE) */
    private PSet<String> dropped;
    /**
     * table → the columns a migration dropped (or renamed away) and none added again since: a later
     * {@code DROP COLUMN IF EXISTS} of one does nothing (by table, so forgetting a table's is one step)
     */
    private PMap<String, PSet<String>> droppedColumns = HashTreePMap.empty();
    /** indexes a DROP INDEX removed and no CREATE INDEX made again since: a later DROP INDEX IF EXISTS of one does nothing */
    private PSet<String> droppedIndexes = HashTreePSet.empty();
    /** user function name → volatile / stable / immutable, as its last CREATE FUNCTION declared it */
    private PMap<String, String> functions = HashTreePMap.empty();
    /** foreignKeys() of this version, built on first use (it lists the whole graph). */
    private List<ForeignKey> fkCache;

    public SchemaModel() {
        this(HashTreePMap.empty(), HashTreePSet.empty(), HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty());
    }

    private SchemaModel(PMap<String, TableModel> tables, PSet<String> enums, PMap<String, String> partitionParent,
                        PMap<String, String> indexOwner, PMap<String, PMap<String, ForeignKey>> fksByParent) {
        this.tables = tables;
        this.enums = enums;
        this.partitionParent = partitionParent;
        this.indexOwner = indexOwner;
        this.fksByParent = fksByParent;
        this.materializedViews = HashTreePMap.empty();
        this.filledByQuery = HashTreePSet.empty();
        this.recreatedBy = HashTreePMap.empty();
        this.dropped = HashTreePSet.empty();
    }

    /** An independent version of this state (O(1): the collections are shared, never changed in place). */
    public SchemaModel snapshot() {
        SchemaModel copy = new SchemaModel(tables, enums, partitionParent, indexOwner, fksByParent);
        copy.materializedViews = materializedViews;
        copy.filledByQuery = filledByQuery;
        copy.recreatedBy = recreatedBy;
        copy.dropped = dropped;
        copy.droppedColumns = droppedColumns;
        copy.droppedIndexes = droppedIndexes;
        copy.functions = functions;
        return copy;
    }

    /** The tables of schema {@code schema} (keyed {@code schema.table}; for {@code public}, the unqualified ones), sorted. */
    public List<String> tablesInSchema(String schema) {
        return tables.keySet().stream().filter(t -> Name.isIn(t, schema))
                .sorted().toList();
    }

    /**
     * True when a migration dropped (or renamed away) column {@code column} of {@code table} and
     * none added it again: the table is known not to have it.
     */
    public boolean columnDropped(String table, String column) {
        PSet<String> columns = table == null ? null : droppedColumns.get(table);
        return columns != null && columns.contains(column);
    }

    /** True when a migration dropped index {@code index} by DROP INDEX and none created it again. */
    public boolean indexDropped(String index) {
        return droppedIndexes.contains(index);
    }

    private void forgetDroppedColumns(String table) {
        droppedColumns = droppedColumns.minus(table);
    }

    private void columnDropped(String table, String column, boolean dropped) {
        PSet<String> columns = droppedColumns.getOrDefault(table, HashTreePSet.empty());
        columns = dropped ? columns.plus(column) : columns.minus(column);
        droppedColumns = columns.isEmpty() ? droppedColumns.minus(table) : droppedColumns.plus(table, columns);
    }

    /** True for a materialized view the migrations created. */
    public boolean isMaterializedView(String name) {
        return materializedViews.containsKey(name);
    }

    /**
     * The migration that created relation {@code name} (a table, partition or materialized view) as
     * it stands in this version: the one that created it again after a drop, the one whose
     * {@code CREATE TABLE} made it (not a later {@code CREATE TABLE IF NOT EXISTS}), kept through
     * renames. Null for a relation the migrations did not create (it predates them, or is unknown).
     * The one place that decides whether a relation is new in a migration: see
     * {@code StatementAnalysis.existing}.
     */
    public String createdBy(String name) {
        if (name == null) {
            return null;
        }
        String view = materializedViews.get(name);
        if (view != null) {
            return view.isEmpty() ? null : view;
        }
        TableModel t = tables.get(name);
        return t == null ? null : t.createdBy();
    }

    /** True for a table created by {@code CREATE TABLE … AS}: it holds rows from the moment it exists. */
    public boolean filledByQuery(String table) {
        return filledByQuery.contains(table);
    }

    /** The migration that created {@code table} again after an earlier drop of the same name, or null. */
    public String recreatedBy(String table) {
        return recreatedBy.get(table);
    }

    /** The partitions of a partitioned table, and theirs, in no particular order. */
    public List<String> partitionsOf(String parent) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : partitionParent.entrySet()) {
            if (e.getValue().equals(parent) && !e.getKey().equals(parent)) {
                out.add(e.getKey());
                out.addAll(partitionsOf(e.getKey()));
            }
        }
        return out;
    }

    public TableModel table(String name) {
        return name == null ? null : tables.get(name);
    }

    public boolean hasTable(String name) {
        return name != null && tables.containsKey(name);
    }

    /**
     * The volatility a migration declared for user function {@code name} ({@code volatile},
     * {@code stable}, {@code immutable}), or null when no migration read so far created it.
     */
    public String functionVolatility(String name) {
        return functions.get(name);
    }

    public boolean isEnum(String type) {
        return enums.contains(type);
    }

    public int tableCount() {
        return tables.size();
    }

    public List<TableModel> tables() {
        return List.copyOf(tables.values());
    }

    /** Every foreign key, in child table then name order. Lists the whole graph: prefer {@link #foreignKeysTo}. */
    public List<ForeignKey> foreignKeys() {
        if (fkCache == null) {
            List<ForeignKey> out = new ArrayList<>();
            fksByParent.values().forEach(m -> out.addAll(m.values()));
            out.sort(Comparator.comparing(ForeignKey::child).thenComparing(ForeignKey::name));
            fkCache = List.copyOf(out);
        }
        return fkCache;
    }

    /** The foreign keys that reference {@code parent}, in child then name order. */
    public List<ForeignKey> foreignKeysTo(String parent) {
        PMap<String, ForeignKey> m = parent == null ? null : fksByParent.get(parent);
        if (m == null || m.isEmpty()) {
            return List.of();
        }
        List<ForeignKey> out = new ArrayList<>(m.values());
        out.sort(Comparator.comparing(ForeignKey::child).thenComparing(ForeignKey::name));
        return out;
    }

    /** The foreign keys declared on {@code child}, in declaration order. */
    public List<ForeignKey> foreignKeysFrom(String child) {
        TableModel t = table(child);
        if (t == null) {
            return List.of();
        }
        List<ForeignKey> out = new ArrayList<>();
        for (Constraint c : t.constraints) {
            if (c.isForeignKey()) {
                out.add(fk(t.name, c));
            }
        }
        return out;
    }

    /** Foreign keys grouped by parent table. Lists the whole graph: prefer {@link #foreignKeysTo}. */
    public Map<String, List<ForeignKey>> foreignKeysByParent() {
        Map<String, List<ForeignKey>> m = new HashMap<>();
        for (String parent : fksByParent.keySet()) {
            m.put(parent, foreignKeysTo(parent));
        }
        return m;
    }

    /** The table an index belongs to, or null. */
    public String tableOfIndex(String index) {
        return index == null ? null : indexOwner.get(index);
    }

    // ---- changes: every table change goes through put/remove, which keep the derived maps right ----

    private static ForeignKey fk(String child, Constraint c) {
        return new ForeignKey(c.name(), child, c.columns(), c.refTable(), c.onDelete(), c.onUpdate());
    }

    private static String fkKey(String child, Constraint c) {
        return child + '\0' + c.name() + '\0' + c.columns();
    }

    private void put(TableModel t) {
        TableModel old = tables.get(t.name);
        if (old == t) {
            return;
        }
        unindex(old);
        tables = tables.plus(t.name, t);
        index(t);
    }

    private void remove(String name) {
        TableModel old = tables.get(name);
        if (old != null) {
            unindex(old);
            tables = tables.minus(name);
        }
    }

    private void unindex(TableModel t) {
        if (t == null) {
            return;
        }
        fkCache = null;
        for (Constraint c : t.constraints) {
            if (c.isForeignKey()) {
                PMap<String, ForeignKey> m = fksByParent.get(c.refTable());
                if (m != null) {
                    m = m.minus(fkKey(t.name, c));
                    fksByParent = m.isEmpty() ? fksByParent.minus(c.refTable()) : fksByParent.plus(c.refTable(), m);
                }
            }
        }
        for (Index i : t.indexes) {
            if (t.name.equals(indexOwner.get(i.name()))) {
                indexOwner = indexOwner.minus(i.name());
            }
        }
    }

    private void index(TableModel t) {
        fkCache = null;
        for (Constraint c : t.constraints) {
            if (c.isForeignKey()) {
                PMap<String, ForeignKey> m = fksByParent.get(c.refTable());
                m = (m == null ? HashTreePMap.<String, ForeignKey>empty() : m).plus(fkKey(t.name, c), fk(t.name, c));
                fksByParent = fksByParent.plus(c.refTable(), m);
            }
        }
        for (Index i : t.indexes) {
            indexOwner = indexOwner.plus(i.name(), t.name);
        }
    }

    /**
     * A table from before these migrations (a baseline, another folder): the model knows only what
     * the migrations say about it, but that much it keeps (an index built here covers a foreign key
     * added later; a CHECK validated here lets SET NOT NULL skip its scan).
     */
    private TableModel adopt(String name) {
        TableModel t = tables.get(name);
        if (t == null && name != null) {
            t = new TableModel(name, null, false);
            put(t);
        }
        return t;
    }

    /** Applies what one statement of migration {@code migrationId} does to the schema. */
    public void apply(Recognized r, String migrationId) {
        if (r instanceof Recognized.CreateTable ct && ct.table() != null) {
            String name = ct.table().name();
            if (tables.containsKey(name) && ct.ifNotExists()) {
                return;
            }
            TableModel t = new TableModel(name, migrationId, ct.partitioned());
            forgetDroppedColumns(name);
            if (dropped.contains(name)) {
                recreatedBy = recreatedBy.plus(name, migrationId);
            }
            filledByQuery = ct.asSelect() ? filledByQuery.plus(name) : filledByQuery.minus(name);
            if (ct.partitionOf() != null && tables.containsKey(ct.partitionOf().name())) {
                TableModel parent = tables.get(ct.partitionOf().name());
                t = t.withColumns(t.columns.plusAll(parent.columns));
                partitionParent = partitionParent.plus(name, ct.partitionOf().name());
            }
            for (ColumnDef c : ct.columns()) {
                t = addColumn(t, c);
            }
            for (ConstraintDef c : ct.constraints()) {
                t = addConstraint(t, c);
            }
            put(t);
        } else if (r instanceof Recognized.AlterTable at && at.table() != null) {
            for (Recognized.Action a : at.actions()) {
                alter(at.table().name(), a);
            }
        } else if (r instanceof Recognized.CreateIndex ci && ci.table() != null) {
            TableModel t = adopt(ci.table().name());
            String name = ci.name() != null ? ci.name().name()
                    : ci.table().name() + "_" + String.join("_", ci.columns()) + "_idx";
            if (ci.ifNotExists() && (t.hasIndex(name) || indexOwner.containsKey(name))) {
                return;
            }
            put(t.withIndex(new Index(name, ci.columns(), ci.unique(), ci.partial())));
            droppedIndexes = droppedIndexes.minus(name);
        } else if (r instanceof Recognized.DropIndex di) {
            for (Name n : di.names()) {
                droppedIndexes = droppedIndexes.plus(n.name());
                String table = tableOfIndex(n.name());
                if (table != null) {
                    put(tables.get(table).withoutIndexes(i -> i.name().equals(n.name())));
                }
            }
        } else if (r instanceof Recognized.Drop d && d.objectKind().equals("schema") && d.cascade()) {
            for (Name n : d.names()) {
                for (String table : tablesInSchema(n.name())) {
                    dropTable(table);
                }
                String prefix = n.name() + ".";
                for (String view : List.copyOf(materializedViews.keySet())) {
                    if (view.startsWith(prefix)) {
                        materializedViews = materializedViews.minus(view);
                    }
                }
            }
        } else if (r instanceof Recognized.Drop d && d.objectKind().equals("materialized view")) {
            for (Name n : d.names()) {
                materializedViews = materializedViews.minus(n.name());
                remove(n.name()); // the indexes built on it
            }
        } else if (r instanceof Recognized.CreateMaterializedView cm && cm.name() != null) {
            materializedViews = materializedViews.plus(cm.name().name(), migrationId == null ? "" : migrationId);
        } else if (r instanceof Recognized.Drop d && d.objectKind().equals("table")) {
            for (Name n : d.names()) {
                dropTable(n.name());
            }
        } else if (r instanceof Recognized.RenameObject ro && ro.objectKind().equals("schema") && ro.from() != null) {
            // ALTER SCHEMA a RENAME TO b: every table of a is now b.<the same name>
            for (String table : tablesInSchema(ro.from().name())) {
                renameTable(table, Name.inSchema(table, ro.to()));
            }
            for (Map.Entry<String, String> view : List.copyOf(materializedViews.entrySet())) {
                if (Name.isIn(view.getKey(), ro.from().name())) {
                    materializedViews = materializedViews.minus(view.getKey()).plus(Name.inSchema(view.getKey(), ro.to()), view.getValue());
                }
            }
        } else if (r instanceof Recognized.RenameObject ro && ro.objectKind().equals("index") && ro.from() != null) {
            droppedIndexes = droppedIndexes.minus(ro.to()); // an index of that name exists again, known to the model or not
            String table = tableOfIndex(ro.from().name());
            if (table != null) {
                put(tables.get(table).mapIndexes(i -> i.name().equals(ro.from().name())
                        ? new Index(ro.to(), i.columns(), i.unique(), i.partial()) : i));
            }
        } else if (r instanceof Recognized.CreateFunction cf && cf.name() != null) {
            functions = functions.plus(cf.name().name(), cf.volatility());
        } else if (r instanceof Recognized.CreateEnum ce && ce.type() != null) {
            enums = enums.plus(ce.type().name());
        }
    }

    private void dropTable(String name) {
        // Foreign keys of other tables that reference it go with it (DROP … CASCADE, or they were dropped first).
        for (ForeignKey fk : foreignKeysTo(name)) {
            TableModel child = tables.get(fk.child());
            if (child != null && !fk.child().equals(name)) {
                put(child.withoutConstraints(c -> name.equals(c.refTable())));
            }
        }
        remove(name);
        partitionParent = partitionParent.minus(name);
        filledByQuery = filledByQuery.minus(name);
        dropped = dropped.plus(name);
        forgetDroppedColumns(name);
    }

    private void renameTable(String from, String to) {
        TableModel t = tables.get(from);
        if (t == null) {
            return;
        }
        List<ForeignKey> referencing = foreignKeysTo(from);
        remove(from);
        put(t.renamed(to));
        PSet<String> gone = droppedColumns.get(from);
        if (gone != null) {
            droppedColumns = droppedColumns.minus(from).plus(to, gone);
        }
        Set<String> children = new LinkedHashSet<>();
        referencing.forEach(fk -> children.add(fk.child().equals(from) ? to : fk.child()));
        for (String child : children) {
            TableModel c = tables.get(child);
            if (c != null) {
                put(c.mapConstraints(k -> from.equals(k.refTable()) ? k.withRefTable(to) : k));
            }
        }
        String parent = partitionParent.get(from);
        if (parent != null) {
            partitionParent = partitionParent.minus(from).plus(to, parent);
        }
        if (filledByQuery.contains(from)) {
            filledByQuery = filledByQuery.minus(from).plus(to);
        }
    }

    private void alter(String tableName, Recognized.Action a) {
        if (a instanceof Recognized.AttachPartition ap && ap.partition() != null) {
            partitionParent = partitionParent.plus(ap.partition().name(), tableName);
        } else if (a instanceof Recognized.DetachPartition dp && dp.partition() != null) {
            partitionParent = partitionParent.minus(dp.partition().name());
        }
        if (a instanceof Recognized.RenameAction ra && ra.renamesTable()) {
            renameTable(tableName, ra.tableAfter(tableName));
            return;
        }
        TableModel t = adopt(tableName);
        if (t == null) {
            return;
        }
        if (a instanceof Recognized.AddColumn ac) {
            t = addColumn(t, ac.column());
            columnDropped(tableName, ac.column().name(), false);
        } else if (a instanceof Recognized.DropColumn dc) {
            columnDropped(tableName, dc.column(), true);
            t = t.withoutColumn(dc.column()).withoutConstraints(c -> c.columns().contains(dc.column()))
                    .withoutIndexes(i -> i.columns().contains(dc.column()));
        } else if (a instanceof Recognized.AlterColumnType act) {
            Column c = t.columns.get(act.column());
            t = t.withColumn(new Column(act.column(), act.type(), c != null && c.notNull()));
        } else if (a instanceof Recognized.SetNotNull sn && t.columns.containsKey(sn.column())) {
            t = t.withColumn(new Column(sn.column(), t.columns.get(sn.column()).type(), true));
        } else if (a instanceof Recognized.DropNotNull dn && t.columns.containsKey(dn.column())) {
            t = t.withColumn(new Column(dn.column(), t.columns.get(dn.column()).type(), false));
        } else if (a instanceof Recognized.AddConstraint ac) {
            t = addConstraint(t, ac.constraint());
        } else if (a instanceof Recognized.ValidateConstraint vc) {
            t = t.mapConstraints(c -> vc.name().equals(c.name()) && !c.validated() ? c.withValidated(true) : c);
        } else if (a instanceof Recognized.DropConstraint dc) {
            t = t.withoutConstraints(c -> dc.name().equals(c.name())).withoutIndexes(i -> dc.name().equals(i.name()));
        } else if (a instanceof Recognized.RenameAction ra && ra.what().equals("column")) {
            columnDropped(tableName, ra.to(), false); // a column of that name exists again, known to the model or not
            if (t.columns.containsKey(ra.from())) {
                columnDropped(tableName, ra.from(), true);
                Column c = t.columns.get(ra.from());
                t = t.withoutColumn(ra.from()).withColumn(new Column(ra.to(), c.type(), c.notNull()));
            }
        }
        put(t);
    }

    private static TableModel addColumn(TableModel t, ColumnDef c) {
        t = t.withColumn(new Column(c.name(), c.type(), c.notNull()));
        for (ConstraintDef d : c.constraints()) {
            t = addConstraint(t, d);
        }
        return t;
    }

    private static TableModel addConstraint(TableModel t, ConstraintDef d) {
        String name = d.name() != null ? d.name() : generatedName(t.name, d);
        t = t.withConstraint(new Constraint(name, d.kind(), d.columns(), d.refTable(), d.refColumns(), d.onDelete(),
                d.onUpdate(), !d.notValid(), d.checkExpr()));
        if (d.kind() == ConstraintKind.PRIMARY_KEY || d.kind() == ConstraintKind.UNIQUE) {
            t = t.withIndex(new Index(name, d.columns(), true, false));
        }
        return t;
    }

    /** PostgreSQL's own naming, so later DROP/VALIDATE CONSTRAINT statements find the constraint. */
    private static String generatedName(String table, ConstraintDef d) {
        String base = table.contains(".") ? table.substring(table.lastIndexOf('.') + 1) : table;
        String cols = String.join("_", d.columns());
        return switch (d.kind()) {
            case PRIMARY_KEY -> base + "_pkey";
            case UNIQUE -> base + "_" + cols + "_key";
            case FOREIGN_KEY -> base + "_" + cols + "_fkey";
            case CHECK -> base + (cols.isEmpty() ? "" : "_" + cols) + "_check";
            case EXCLUDE -> base + "_excl";
            case NOT_NULL -> base + "_" + cols + "_not_null";
        };
    }
}
