package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** SET NOT NULL without a validated CHECK (col IS NOT NULL). See docs/rules/set-not-null.md. */
public final class SetNotNullRule extends StatementRule {
    @Override
    public String id() {
        return "set-not-null";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "SET NOT NULL without a validated CHECK (col IS NOT NULL)";
    }

    @Override
    public String help() {
        return "ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; VALIDATE it; SET NOT NULL; drop the CHECK; bulwark plan <migration> writes these phases";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !s.existing(at.table().name())) {
            return;
        }
        String t = at.table().name();
        for (Recognized.Action a : at.actions()) {
            if (a instanceof Recognized.SetNotNull sn) {
                // the model's scan, per column: none since PostgreSQL 12 behind a validated CHECK (col IS NOT NULL)
                if (!s.effect().scanColumns().contains(sn.column())) {
                    continue;
                }
                String check = t + "_" + sn.column() + "_not_null";
                ctx.report(s, a.at(), "SET NOT NULL on " + t + "." + sn.column() + " scans every row of " + t
                        + " while holding ACCESS EXCLUSIVE, blocking reads and writes",
                        ctx.pgVersion() >= 12
                                ? "ALTER TABLE " + t + " ADD CONSTRAINT " + check + " CHECK (" + sn.column() + " IS NOT NULL) NOT VALID;"
                                        + " then VALIDATE CONSTRAINT " + check + " in a separate transaction; then SET NOT NULL"
                                        + " (no scan) and DROP CONSTRAINT " + check
                                : "before PostgreSQL 12 SET NOT NULL always scans: use a validated CHECK (" + sn.column()
                                        + " IS NOT NULL) instead of NOT NULL");
            }
        }
    }

}
