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
                if (a instanceof Recognized.DropColumn dc) {
                    ctx.report(s, a.at(), "DROP COLUMN " + at.table().name() + "." + dc.column()
                            + " deletes its data and breaks every running query that still names it", null);
                }
            }
        }
    }

}
