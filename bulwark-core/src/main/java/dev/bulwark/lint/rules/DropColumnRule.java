package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.analysis.StatementEffect;
import dev.bulwark.sql.analysis.StatementEffect.RowKind;

/** DROP COLUMN (data loss, breaks running code). See docs/rules/drop-column.md. */
public final class DropColumnRule extends StatementRule {
    @Override
    public String id() {
        return "drop-column";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "DROP COLUMN (data loss, breaks running code)";
    }

    @Override
    public String help() {
        return "stop reading and writing the column in the application first, deploy, then drop it";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at)) {
            return;
        }
        // the model's DROP_COLUMN row of an existing table: what deploy snapshots
        StatementEffect.RowChange lost = s.effect().loss(RowKind.DROP_COLUMN, at.table().name());
        if (lost != null) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.DropColumn dc && lost.columns().contains(dc.column())
                        && !undoesItsUp(ctx, at.table().name(), dc.column())) {
                    ctx.report(s, a.at(), "DROP COLUMN " + at.table().name() + "." + dc.column()
                            + " deletes its data and breaks every running query that still names it", null);
                }
            }
        }
    }

    /**
     * A down that drops the column its own up added is the expected inverse: the rows written to
     * it since are the data-losing-down's concern (audit) and irreversible-down's, not a second finding.
     */
    private static boolean undoesItsUp(MigrationContext ctx, String table, String column) {
        if (ctx.part() != dev.bulwark.lint.Finding.Part.DOWN) {
            return false;
        }
        StatementEffect.ObjectChange added = new StatementEffect.ObjectChange(StatementEffect.Action.CREATE,
                StatementEffect.ObjectKind.COLUMN, table + "." + column);
        return ctx.upStatements().stream().anyMatch(s -> s.effect().objects().contains(added));
    }
}
