package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.model.TableModel;

/** VALIDATE CONSTRAINT in the transaction that added it. See docs/rules/validate-in-same-transaction.md. */
public final class ValidateInSameTransactionRule extends StatementRule {
    @Override
    public String id() {
        return "validate-in-same-transaction";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "VALIDATE CONSTRAINT in the transaction that added it";
    }

    @Override
    public String help() {
        return "commit after ADD CONSTRAINT … NOT VALID and validate in a separate transaction (a separate migration)";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !s.inTransaction() || !s.existing(at.table().name())) {
            return;
        }
        for (Recognized.Action a : at.actions()) {
            if (!(a instanceof Recognized.ValidateConstraint v)) {
                continue;
            }
            for (Analyzed e : ctx.statements()) {
                if (e.index() >= s.index() || e.transaction() != s.transaction()) {
                    continue;
                }
                TableModel before = e.before().table(at.table().name());
                TableModel after = e.after().table(at.table().name());
                if (after != null && after.constraint(v.name()) != null
                        && (before == null || before.constraint(v.name()) == null)) {
                    ctx.report(s, a.at(), "VALIDATE CONSTRAINT " + v.name() + " runs in the same transaction that added it"
                            + " (line " + e.statement().line() + "), so the ACCESS EXCLUSIVE lock on " + at.table().name()
                            + " taken by ADD CONSTRAINT is held during the full validation scan",
                            "move ALTER TABLE " + at.table().name() + " VALIDATE CONSTRAINT " + v.name()
                                    + " into a separate migration (it takes only SHARE UPDATE EXCLUSIVE there)");
                    break;
                }
            }
        }
    }

}
