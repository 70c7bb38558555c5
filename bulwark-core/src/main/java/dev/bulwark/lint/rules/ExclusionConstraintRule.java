package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** ADD … EXCLUDE on an existing table. See docs/rules/exclusion-constraint.md. */
public final class ExclusionConstraintRule extends StatementRule {
    @Override
    public String id() {
        return "exclusion-constraint";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "ADD … EXCLUDE on an existing table";
    }

    @Override
    public String help() {
        return "no online form exists: add it while the table is small, or in a maintenance window";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.AlterTable at && s.existing(at.table().name())) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddConstraint ac && ac.constraint().kind() == Recognized.ConstraintKind.EXCLUDE) {
                    ctx.report(s, a.at(), "exclusion constraint " + (ac.constraint().name() == null ? "" : ac.constraint().name() + " ")
                            + "on existing table " + at.table().name() + " builds its index under ACCESS EXCLUSIVE,"
                            + " blocking reads and writes, and has no CONCURRENTLY form", null);
                }
            }
        }
    }

}
