package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.model.CascadeGraph;
import dev.bulwark.lint.model.ForeignKey;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Deleting one row now cascades through several tables, reaches a protected table, or cycles. See docs/rules/cascade-chain.md. */
public final class CascadeChainRule extends Rule {
    @Override
    public String id() {
        return "cascade-chain";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "deleting one row now cascades through several tables, reaches a protected table, or cycles";
    }

    @Override
    public String help() {
        return "break the chain with ON DELETE RESTRICT at user-data boundaries";
    }

    /** One finding per migration, at the statement that last grew the chain: the final shape is what matters. */
    @Override
    public void check(MigrationContext ctx) {
        Runnable last = null;
        for (Analyzed s : ctx.statements()) {
            Runnable r = evaluate(ctx, s);
            last = r != null ? r : last;
        }
        if (last != null) {
            last.run();
        }
    }

    private Runnable evaluate(MigrationContext ctx, Analyzed s) {
        if (Fks.added(s).stream().noneMatch(f -> f.def().onDelete() != Recognized.FkAction.NO_ACTION
                && f.def().onDelete() != Recognized.FkAction.RESTRICT)) {
            return null;
        }
        CascadeGraph.Chain worst = null;
        String protectedHit = null;
        // Only tables whose deletes reach a table this statement hangs a new cascading FK under can change.
        Set<String> roots = new TreeSet<>();
        for (Fks.Added fk : Fks.added(s)) {
            if (fk.def().refTable() != null) {
                roots.addAll(CascadeGraph.reachingDeletesOf(s.after(), fk.def().refTable()));
            }
        }
        for (String root : roots) {
            CascadeGraph.Chain after = CascadeGraph.from(s.after(), root);
            CascadeGraph.Chain before = CascadeGraph.from(s.before(), root);
            if (after.reached().size() <= before.reached().size() && after.cycle() == before.cycle()) {
                continue;
            }
            String hit = after.deleted().stream().map(CascadeGraph.Reach::table)
                    .filter(ctx.options().protectedTables()::contains).findFirst().orElse(null);
            boolean interesting = after.deleted().size() >= 2 || after.cycle() || hit != null;
            if (interesting && (worst == null || hit != null && protectedHit == null
                    || after.deleted().size() > worst.deleted().size())) {
                worst = after;
                protectedHit = hit != null ? hit : protectedHit;
            }
        }
        if (worst == null) {
            return null;
        }
        return message(ctx, s, worst, protectedHit);
    }

    private Runnable message(MigrationContext ctx, Analyzed s, CascadeGraph.Chain worst, String protectedHit) {
        List<String> tables = worst.deleted().stream().map(CascadeGraph.Reach::table).toList();
        List<String> updated = worst.updated().stream().map(CascadeGraph.Reach::table).toList();
        List<ForeignKey> self = worst.selfReferences();
        StringBuilder m = new StringBuilder("after this statement, deleting one row of " + worst.root());
        if (tables.isEmpty()) {
            m.append(" deletes no other rows");
        } else {
            m.append(" deletes rows in ").append(tables.size()).append(" table").append(tables.size() == 1 ? "" : "s")
                    .append(" (").append(String.join(", ", tables)).append("), ");
            if (worst.cycle()) {
                m.append("at least ");
            }
            m.append(worst.depth()).append(" level").append(worst.depth() == 1 ? "" : "s").append(" deep: ")
                    .append(worst.path());
        }
        if (!updated.isEmpty()) {
            m.append("; and updates ").append(String.join(", ", updated)).append(" (SET NULL/DEFAULT)");
        }
        for (CascadeGraph.Reach d : worst.diamonds()) {
            m.append("; ").append(d.table()).append(" is reached along ").append(d.paths())
                    .append(" paths (they meet there; not a cycle)");
        }
        if (protectedHit != null) {
            m.append("; it reaches ").append(protectedHit).append(", whose rows must never disappear with a parent");
        }
        for (ForeignKey fk : self) {
            m.append("; ").append(fk.child()).append(" references itself (").append(String.join(", ", fk.columns()))
                    .append(") with ON DELETE CASCADE, so one delete removes a whole subtree, as deep as the data goes");
        }
        List<ForeignKey> loops = worst.cycleEdges().stream().filter(fk -> !fk.child().equals(fk.parent())).toList();
        if (!loops.isEmpty()) {
            m.append("; the cascade forms a cycle (").append(String.join(", ", loops.stream().map(ForeignKey::describe).toList()))
                    .append(" closes it), so it goes as deep as the data does");
        }
        String chainEntry = protectedHit != null ? protectedHit
                : !self.isEmpty() ? self.get(0).child() + " (" + String.join(", ", self.get(0).columns()) + ")"
                : !loops.isEmpty() ? loops.get(0).child()
                : tables.isEmpty() ? worst.root() : tables.get(tables.size() - 1);
        String help = !self.isEmpty() && protectedHit == null && loops.isEmpty() && tables.size() <= 1
                ? "if deleting a subtree is intended, delete it explicitly (a recursive CTE) and use ON DELETE RESTRICT on "
                + chainEntry + "; otherwise keep the cascade and say so with a suppression"
                : "use ON DELETE RESTRICT where the chain enters " + chainEntry + ", and delete those rows explicitly";
        return () -> ctx.report(s, m.toString(), help);
    }

}
