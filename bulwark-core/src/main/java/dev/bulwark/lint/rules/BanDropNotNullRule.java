package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** ALTER COLUMN … DROP NOT NULL on an existing table. See docs/rules/ban-drop-not-null.md. */
public final class BanDropNotNullRule extends StatementRule {
    @Override
    public String id() {
        return "ban-drop-not-null";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "DROP NOT NULL on an existing column (older application versions may rely on it)";
    }

    @Override
    public String help() {
        return "deploy application code that handles NULL in this column everywhere it is read before dropping NOT NULL";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || at.table() == null || !s.existing(at.table().name())) {
            return;
        }
        for (Recognized.Action a : at.actions()) {
            if (a instanceof Recognized.DropNotNull dn) {
                String col = at.table().name() + "." + dn.column();
                ctx.report(s, a.at(), "DROP NOT NULL on " + col + ": rows written from now on may hold NULL there, and"
                                + " application versions still running (during a rolling deploy, or after a rollback of the"
                                + " code) may assume they never do",
                        "first deploy code that reads " + col + " as nullable everywhere; then drop NOT NULL in a later"
                                + " migration (a rollback of this step cannot restore NOT NULL once NULLs were written)");
            }
        }
    }
}
