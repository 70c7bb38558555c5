package dev.bulwark.lint;

import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.model.TableModel;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;

import java.util.ArrayList;
import java.util.List;

/** Which table-level locks a statement takes, as PostgreSQL's documentation lists them. */
public final class Locks {
    public enum Mode {
        ROW_EXCLUSIVE("ROW EXCLUSIVE"), SHARE_UPDATE_EXCLUSIVE("SHARE UPDATE EXCLUSIVE"), SHARE("SHARE"),
        SHARE_ROW_EXCLUSIVE("SHARE ROW EXCLUSIVE"), EXCLUSIVE("EXCLUSIVE"), ACCESS_EXCLUSIVE("ACCESS EXCLUSIVE");

        private final String sql;

        Mode(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        /** Blocks the application's writes (SHARE and above) or reads too (ACCESS EXCLUSIVE). */
        public boolean blocks() {
            return compareTo(SHARE) >= 0;
        }
    }

    public record Lock(String table, Mode mode) {
    }

    /** The rules (docs/rules.md) whose hazard is a lock that blocks the application (some with a rewrite). */
    public static final java.util.Set<String> LOCK_RULES = java.util.Set.of("require-concurrent-index",
            "require-concurrent-index-drop", "require-concurrent-reindex", "partitioned-index", "constraint-not-valid",
            "unique-without-index", "exclusion-constraint", "set-not-null", "add-required-column", "volatile-default",
            "column-type-rewrite", "drop-column", "rename", "drop-table", "truncate", "rewrite-table", "detach-partition",
            "refresh-matview", "trigger-on-existing");

    private Locks() {
    }

    public static List<Lock> of(Recognized r, SchemaModel model) {
        List<Lock> out = new ArrayList<>();
        if (r instanceof Recognized.AlterTable at) {
            Mode strongest = null;
            for (Recognized.Action a : at.actions()) {
                Mode m = Mode.ACCESS_EXCLUSIVE;
                if (a instanceof Recognized.ValidateConstraint) {
                    m = Mode.SHARE_UPDATE_EXCLUSIVE;
                } else if (a instanceof Recognized.DetachPartition dp && dp.concurrently()) {
                    m = Mode.SHARE_UPDATE_EXCLUSIVE;
                } else if (a instanceof Recognized.DetachPartition dp && dp.partition() != null) {
                    // seen on PostgreSQL 15: the partition is locked ACCESS EXCLUSIVE too
                    out.add(new Lock(dp.partition().name(), Mode.ACCESS_EXCLUSIVE));
                } else if (a instanceof Recognized.AttachPartition ap) {
                    m = Mode.SHARE_UPDATE_EXCLUSIVE;
                    if (ap.partition() != null) {
                        out.add(new Lock(ap.partition().name(), Mode.ACCESS_EXCLUSIVE));
                    }
                } else if (a instanceof Recognized.AddConstraint ac
                        && ac.constraint().kind() == Recognized.ConstraintKind.FOREIGN_KEY) {
                    m = Mode.SHARE_ROW_EXCLUSIVE;
                    if (ac.constraint().refTable() != null) {
                        out.add(new Lock(ac.constraint().refTable(), Mode.SHARE_ROW_EXCLUSIVE));
                    }
                }
                if (strongest == null || m.compareTo(strongest) > 0) {
                    strongest = m;
                }
            }
            out.add(0, new Lock(at.table().name(), strongest == null ? Mode.ACCESS_EXCLUSIVE : strongest));
        } else if (r instanceof Recognized.CreateTable ct && ct.table() != null) {
            // a foreign key of a new table adds triggers to the referenced table: SHARE ROW EXCLUSIVE there (seen on PostgreSQL 15)
            java.util.Set<String> refs = new java.util.LinkedHashSet<>();
            ct.constraints().forEach(c -> refs.add(c.refTable()));
            ct.columns().forEach(col -> col.constraints().forEach(c -> refs.add(c.refTable())));
            refs.stream().filter(ref -> ref != null && !ref.equals(ct.table().name()))
                    .forEach(ref -> out.add(new Lock(ref, Mode.SHARE_ROW_EXCLUSIVE)));
        } else if (r instanceof Recognized.CreateIndex ci && ci.table() != null) {
            Mode m = ci.concurrently() ? Mode.SHARE_UPDATE_EXCLUSIVE : Mode.SHARE;
            out.add(new Lock(ci.table().name(), m));
            // an index on a partitioned parent is built on every partition, each under the same lock
            if (!ci.only()) {
                model.partitionsOf(ci.table().name()).forEach(p -> out.add(new Lock(p, m)));
            }
        } else if (r instanceof Recognized.DropIndex di) {
            for (Name n : di.names()) {
                String t = model.tableOfIndex(n.name());
                if (t != null) {
                    out.add(new Lock(t, di.concurrently() ? Mode.SHARE_UPDATE_EXCLUSIVE : Mode.ACCESS_EXCLUSIVE));
                }
            }
        } else if (r instanceof Recognized.Drop d && (d.objectKind().equals("table") || d.objectKind().endsWith("view"))) {
            d.names().forEach(n -> out.add(new Lock(n.name(), Mode.ACCESS_EXCLUSIVE)));
            if (d.objectKind().equals("table")) {
                // dropping a table drops its foreign keys' triggers on the referenced tables: ACCESS EXCLUSIVE there too
                for (Name n : d.names()) {
                    TableModel t = model.table(n.name());
                    if (t != null) {
                        t.constraints().stream().map(TableModel.Constraint::refTable)
                                .filter(ref -> ref != null && !ref.equals(n.name()) && model.hasTable(ref)).distinct()
                                .forEach(ref -> out.add(new Lock(ref, Mode.ACCESS_EXCLUSIVE)));
                    }
                }
            }
        } else if (r instanceof Recognized.Truncate t) {
            t.tables().forEach(n -> out.add(new Lock(n.name(), Mode.ACCESS_EXCLUSIVE)));
        } else if (r instanceof Recognized.Maintenance m && m.full()) {
            m.tables().forEach(n -> out.add(new Lock(n.name(), Mode.ACCESS_EXCLUSIVE)));
        } else if (r instanceof Recognized.RefreshMaterializedView rm && rm.name() != null) {
            out.add(new Lock(rm.name().name(), rm.concurrently() ? Mode.EXCLUSIVE : Mode.ACCESS_EXCLUSIVE));
        } else if (r instanceof Recognized.CreateTrigger ct && ct.table() != null) {
            out.add(new Lock(ct.table().name(), Mode.SHARE_ROW_EXCLUSIVE));
        } else if (r instanceof Recognized.RenameObject ro && ro.from() != null) {
            out.add(new Lock(ro.from().name(), Mode.ACCESS_EXCLUSIVE));
        } else if (r instanceof Recognized.Reindex ri && ri.name() != null && !ri.concurrently()) {
            String table = ri.target().equals("index") ? model.tableOfIndex(ri.name().name()) : ri.name().name();
            if (table != null) {
                out.add(new Lock(table, Mode.SHARE));
            }
        } else if (r instanceof Recognized.Dml d && d.table() != null) {
            out.add(new Lock(d.table().name(), Mode.ROW_EXCLUSIVE));
        }
        return out;
    }
}
