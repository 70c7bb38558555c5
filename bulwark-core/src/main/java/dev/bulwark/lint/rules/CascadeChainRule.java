package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.model.CascadeGraph;

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
        List<String> tables = worst.deleted().stream().map(CascadeGraph.Reach::table).toList();
        List<String> updated = worst.reached().stream().filter(r -> !r.deletes()).map(CascadeGraph.Reach::table).toList();
        StringBuilder m = new StringBuilder("after this statement, deleting one row of " + worst.root() + " deletes rows in "
                + tables.size() + " table" + (tables.size() == 1 ? "" : "s") + " (" + String.join(", ", tables) + "), "
                + worst.depth() + " level" + (worst.depth() == 1 ? "" : "s") + " deep: " + worst.path());
        if (!updated.isEmpty()) {
            m.append("; and updates ").append(String.join(", ", updated)).append(" (SET NULL/DEFAULT)");
        }
        if (protectedHit != null) {
            m.append("; it reaches ").append(protectedHit).append(", whose rows must never disappear with a parent");
        }
        if (worst.cycle()) {
            m.append("; the cascade forms a cycle");
        }
        String chainEntry = protectedHit != null ? protectedHit : tables.get(tables.size() - 1);
        return () -> ctx.report(s, m.toString(), "use ON DELETE RESTRICT where the chain enters " + chainEntry + ", and delete those rows explicitly");
    }

}
