package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

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
        if (s.what() instanceof Recognized.AlterTable at && Existing.at(ctx, s, at.table().name())) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.DropColumn dc && !undoesItsUp(ctx, at.table().name(), dc.column())) {
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
        for (Analyzed s : ctx.upStatements()) {
            if (s.what() instanceof Recognized.AlterTable at && at.table().name().equals(table)) {
                for (Recognized.Action a : at.actions()) {
                    if (a instanceof Recognized.AddColumn ac && ac.column().name().equals(column)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
