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
        if (s.what() instanceof Recognized.Dml d && !d.hasWhere() && d.table() != null && Existing.at(ctx, s, d.table().name())
                && (d.verb().equals("update") || d.verb().equals("delete"))) {
            ctx.report(s, d.verb().toUpperCase(java.util.Locale.ROOT) + " of every row of " + d.table().name()
                    + " in one statement locks all its rows until commit" + (s.inTransaction()
                    ? " and keeps the migration's transaction, with its DDL locks, open for the whole run" : ""), null);
        }
    }

}
