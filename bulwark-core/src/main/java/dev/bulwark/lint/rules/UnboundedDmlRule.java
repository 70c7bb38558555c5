package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** UPDATE / DELETE without WHERE on an existing table. See docs/rules/unbounded-dml.md. */
public final class UnboundedDmlRule extends StatementRule {
    @Override
    public String id() {
        return "unbounded-dml";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "UPDATE / DELETE without WHERE on an existing table";
    }

    @Override
    public String help() {
        return "backfill or delete in batches (bulwark backfill), outside the schema change's transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        // the model's full scan of an existing table whose rows the UPDATE / DELETE changes (MERGE is not one)
        if (s.what() instanceof Recognized.Dml d && (d.verb().equals("update") || d.verb().equals("delete"))
                && s.effect().fullScan() && s.effect().rows().stream().anyMatch(r -> r.existing() && r.table().equals(s.effect().target()))
                && !markedBackfill(ctx, s)) {
            ctx.report(s, d.verb().toUpperCase(java.util.Locale.ROOT) + " of every row of " + d.table().name()
                    + " in one statement locks all its rows until commit" + (s.inTransaction()
                    ? " and keeps the migration's transaction, with its DDL locks, open for the whole run" : ""), null);
        }
    }

    /** The UPDATE after a {@code -- bulwark:backfill} line runs in short batches: the advice is already followed. */
    private static boolean markedBackfill(MigrationContext ctx, Analyzed s) {
        dev.bulwark.migration.Script script = ctx.part() == dev.bulwark.lint.Finding.Part.DOWN ? ctx.migration().down() : ctx.migration().up();
        if (script == null) {
            return false;
        }
        int line = s.statement().line();
        for (int directive : dev.bulwark.migration.Directives.backfillLines(script)) {
            if (directive < line && ctx.statements().stream().noneMatch(o -> o.statement().line() > directive && o.statement().line() < line)) {
                return true;
            }
        }
        return false;
    }
}
