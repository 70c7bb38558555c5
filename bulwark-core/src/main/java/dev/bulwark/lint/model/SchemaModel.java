package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ColumnDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintKind;
import dev.bulwark.lint.model.TableModel.Column;
import dev.bulwark.lint.model.TableModel.Constraint;
import dev.bulwark.lint.model.TableModel.Index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schema as folded from the migrations read so far: tables, columns and types, constraints
 * with their validity, indexes and the foreign-key graph. Statements are applied one by one;
 * {@link #snapshot()} is cheap (tables are copied only when a later statement changes them), so
 * rules can compare the schema before and after any statement.
 */
public final class SchemaModel {
    private final Map<String, TableModel> tables;
    private final Set<String> owned;
    private final Set<String> enums;
    /** partition → its partitioned parent: an index built on the parent locks every partition */
    private final Map<String, String> partitionParent;
    /** user function name → volatile / stable / immutable, as its last CREATE FUNCTION declared it */
    private final Map<String, String> functions;
    /** foreignKeys() of this state; cleared by every change (cascade rules ask for it many times). */
    private List<ForeignKey> fkCache;
    private Map<String, List<ForeignKey>> byParentCache;

    public SchemaModel() {
        this(new HashMap<>(), new HashSet<>(), new HashSet<>(), new HashMap<>(), new HashMap<>());
    }

    private SchemaModel(Map<String, TableModel> tables, Set<String> owned, Set<String> enums, Map<String, String> partitionParent,
                        Map<String, String> functions) {
        this.functions = functions;
        this.tables = tables;
        this.owned = owned;
        this.enums = enums;
        this.partitionParent = partitionParent;
    }

    /** An independent copy; this model can keep changing. */
    public SchemaModel snapshot() {
        owned.clear();
        return new SchemaModel(new HashMap<>(tables), new HashSet<>(), new HashSet<>(enums), new HashMap<>(partitionParent),
                new HashMap<>(functions));
    }

    /** The partitions of a partitioned table, and theirs, in no particular order. */
    public List<String> partitionsOf(String parent) {
        List<String> out = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : partitionParent.entrySet()) {
            if (e.getValue().equals(parent)) {
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
        return tables.containsKey(name);
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

    public List<TableModel> tables() {
        return List.copyOf(tables.values());
    }

    /** Every foreign key, in table then declaration order. */
    public List<ForeignKey> foreignKeys() {
        if (fkCache != null) {
            return fkCache;
        }
        List<ForeignKey> out = new ArrayList<>();
        for (TableModel t : tables.values()) {
            for (Constraint c : t.constraints) {
                if (c.kind() == ConstraintKind.FOREIGN_KEY && c.refTable() != null) {
                    out.add(new ForeignKey(c.name(), t.name, c.columns(), c.refTable(), c.onDelete(), c.onUpdate()));
                }
            }
        }
        out.sort((a, b) -> (a.child() + a.name()).compareTo(b.child() + b.name()));
        fkCache = List.copyOf(out);
        return fkCache;
    }

    /** Foreign keys grouped by parent table, for walks down the graph. */
    public Map<String, List<ForeignKey>> foreignKeysByParent() {
        if (byParentCache == null) {
            Map<String, List<ForeignKey>> m = new HashMap<>();
            for (ForeignKey fk : foreignKeys()) {
                m.computeIfAbsent(fk.parent(), k -> new ArrayList<>()).add(fk);
            }
            byParentCache = m;
        }
        return byParentCache;
    }

    /** The table an index belongs to, or null. */
    public String tableOfIndex(String index) {
        for (TableModel t : tables.values()) {
            for (Index i : t.indexes) {
                if (i.name().equals(index)) {
                    return t.name;
                }
            }
        }
        return null;
    }

    /**
     * A table from before these migrations (a baseline, another folder): the model knows only what
     * the migrations say about it, but that much it keeps (an index built here covers a foreign key
     * added later; a CHECK validated here lets SET NOT NULL skip its scan).
     */
    private void adopt(String name) {
        if (name != null && !tables.containsKey(name)) {
            tables.put(name, new TableModel(name, null, false));
            owned.add(name);
        }
    }

    private TableModel edit(String name) {
        TableModel t = tables.get(name);
        if (t == null) {
            return null;
        }
        if (!owned.contains(name)) {
            t = t.copy(name);
            tables.put(name, t);
            owned.add(name);
        }
        return t;
    }

    /** Applies what one statement of migration {@code migrationId} does to the schema. */
    public void apply(Recognized r, String migrationId) {
        fkCache = null;
        byParentCache = null;
        if (r instanceof Recognized.CreateTable ct) {
            String name = ct.table().name();
            if (tables.containsKey(name) && ct.ifNotExists()) {
                return;
            }
            TableModel t = new TableModel(name, migrationId, ct.partitioned());
            tables.put(name, t);
            owned.add(name);
            if (ct.partitionOf() != null && tables.containsKey(ct.partitionOf().name())) {
                TableModel parent = tables.get(ct.partitionOf().name());
                t.columns.putAll(parent.columns);
                partitionParent.put(name, ct.partitionOf().name());
            }
            for (ColumnDef c : ct.columns()) {
                addColumn(t, c);
            }
            for (ConstraintDef c : ct.constraints()) {
                addConstraint(t, c);
            }
        } else if (r instanceof Recognized.AlterTable at) {
            for (Recognized.Action a : at.actions()) {
                alter(at.table().name(), a);
            }
        } else if (r instanceof Recognized.CreateIndex ci && ci.table() != null) {
            adopt(ci.table().name());
            TableModel t = edit(ci.table().name());
            if (t != null) {
                String name = ci.name() != null ? ci.name().name()
                        : ci.table().name() + "_" + String.join("_", ci.columns()) + "_idx";
                if (ci.ifNotExists() && t.indexes.stream().anyMatch(i -> i.name().equals(name))) {
                    return;
                }
                t.indexes.add(new Index(name, ci.columns(), ci.unique(), ci.partial()));
            }
        } else if (r instanceof Recognized.DropIndex di) {
            for (Name n : di.names()) {
                String table = tableOfIndex(n.name());
                if (table != null) {
                    edit(table).indexes.removeIf(i -> i.name().equals(n.name()));
                }
            }
        } else if (r instanceof Recognized.Drop d && d.objectKind().equals("table")) {
            for (Name n : d.names()) {
                tables.remove(n.name());
                owned.remove(n.name());
                partitionParent.remove(n.name());
                for (String other : List.copyOf(tables.keySet())) {
                    if (tables.get(other).constraints.stream().anyMatch(c -> n.name().equals(c.refTable()))) {
                        edit(other).constraints.removeIf(c -> n.name().equals(c.refTable()));
                    }
                }
            }
        } else if (r instanceof Recognized.RenameObject ro && ro.objectKind().equals("index") && ro.from() != null) {
            String table = tableOfIndex(ro.from().name());
            if (table != null) {
                TableModel t = edit(table);
                for (int k = 0; k < t.indexes.size(); k++) {
                    Index i = t.indexes.get(k);
                    if (i.name().equals(ro.from().name())) {
                        t.indexes.set(k, new Index(ro.to(), i.columns(), i.unique(), i.partial()));
                    }
                }
            }
        } else if (r instanceof Recognized.CreateFunction cf && cf.name() != null) {
            functions.put(cf.name().name(), cf.volatility());
        } else if (r instanceof Recognized.CreateEnum ce && ce.type() != null) {
            enums.add(ce.type().name());
        }
    }

    private void alter(String tableName, Recognized.Action a) {
        if (a instanceof Recognized.AttachPartition ap && ap.partition() != null) {
            partitionParent.put(ap.partition().name(), tableName);
        } else if (a instanceof Recognized.DetachPartition dp && dp.partition() != null) {
            partitionParent.remove(dp.partition().name());
        }
        if (a instanceof Recognized.RenameAction ra && ra.what().equals("table")) {
            TableModel t = tables.remove(tableName);
            owned.remove(tableName);
            if (t != null) {
                tables.put(ra.to(), t.copy(ra.to()));
                owned.add(ra.to());
                for (String other : List.copyOf(tables.keySet())) {
                    if (tables.get(other).constraints.stream().anyMatch(c -> tableName.equals(c.refTable()))) {
                        TableModel o = edit(other);
                        o.constraints.replaceAll(c -> tableName.equals(c.refTable())
                                ? new Constraint(c.name(), c.kind(), c.columns(), ra.to(), c.refColumns(), c.onDelete(),
                                c.onUpdate(), c.validated(), c.checkExpr()) : c);
                    }
                }
            }
            return;
        }
        adopt(tableName);
        TableModel t = edit(tableName);
        if (t == null) {
            return;
        }
        if (a instanceof Recognized.AddColumn ac) {
            addColumn(t, ac.column());
        } else if (a instanceof Recognized.DropColumn dc) {
            t.columns.remove(dc.column());
            t.constraints.removeIf(c -> c.columns().contains(dc.column()));
            t.indexes.removeIf(i -> i.columns().contains(dc.column()));
        } else if (a instanceof Recognized.AlterColumnType act) {
            Column c = t.columns.get(act.column());
            t.columns.put(act.column(), new Column(act.column(), act.type(), c != null && c.notNull()));
        } else if (a instanceof Recognized.SetNotNull sn && t.columns.containsKey(sn.column())) {
            t.columns.put(sn.column(), new Column(sn.column(), t.columns.get(sn.column()).type(), true));
        } else if (a instanceof Recognized.DropNotNull dn && t.columns.containsKey(dn.column())) {
            t.columns.put(dn.column(), new Column(dn.column(), t.columns.get(dn.column()).type(), false));
        } else if (a instanceof Recognized.AddConstraint ac) {
            addConstraint(t, ac.constraint());
        } else if (a instanceof Recognized.ValidateConstraint vc) {
            t.constraints.replaceAll(c -> vc.name().equals(c.name()) ? c.withValidated(true) : c);
        } else if (a instanceof Recognized.DropConstraint dc) {
            t.constraints.removeIf(c -> dc.name().equals(c.name()));
            t.indexes.removeIf(i -> dc.name().equals(i.name()));
        } else if (a instanceof Recognized.RenameAction ra && ra.what().equals("column") && t.columns.containsKey(ra.from())) {
            Column c = t.columns.remove(ra.from());
            t.columns.put(ra.to(), new Column(ra.to(), c.type(), c.notNull()));
        }
    }

    private static void addColumn(TableModel t, ColumnDef c) {
        t.columns.put(c.name(), new Column(c.name(), c.type(), c.notNull()));
        for (ConstraintDef d : c.constraints()) {
            addConstraint(t, d);
        }
    }

    private static void addConstraint(TableModel t, ConstraintDef d) {
        String name = d.name() != null ? d.name() : generatedName(t.name, d);
        t.constraints.add(new Constraint(name, d.kind(), d.columns(), d.refTable(), d.refColumns(), d.onDelete(),
                d.onUpdate(), !d.notValid(), d.checkExpr()));
        if (d.kind() == ConstraintKind.PRIMARY_KEY || d.kind() == ConstraintKind.UNIQUE) {
            t.indexes.add(new Index(name, d.columns(), true, false));
        }
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
