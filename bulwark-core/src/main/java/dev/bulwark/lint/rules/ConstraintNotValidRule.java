package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintKind;

/** ADD CHECK / FOREIGN KEY without NOT VALID on an existing table. See docs/rules/constraint-not-valid.md. */
public final class ConstraintNotValidRule extends StatementRule {
    @Override
    public String id() {
        return "constraint-not-valid";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "ADD CHECK / FOREIGN KEY without NOT VALID on an existing table";
    }

    @Override
    public String help() {
        return "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !ctx.existing(at.table().name())) {
            return;
        }
        String t = at.table().name();
        for (Recognized.Action a : at.actions()) {
            ConstraintDef c = null;
            if (a instanceof Recognized.AddConstraint ac) {
                c = ac.constraint();
            } else if (a instanceof Recognized.AddColumn add) {
                c = add.column().constraints().stream()
                        .filter(d -> d.kind() == ConstraintKind.FOREIGN_KEY).findFirst().orElse(null);
            }
            if (c == null || c.notValid() || (c.kind() != ConstraintKind.CHECK && c.kind() != ConstraintKind.FOREIGN_KEY)) {
                continue;
            }
            boolean fk = c.kind() == ConstraintKind.FOREIGN_KEY;
            String name = c.name() == null ? (fk ? t + "_" + String.join("_", c.columns()) + "_fkey" : t + "_check") : c.name();
            String lock = fk ? "SHARE ROW EXCLUSIVE on both " + t + " and " + c.refTable() + " (blocking writes to both)"
                    : "ACCESS EXCLUSIVE on " + t + " (blocking reads and writes)";
            ctx.report(s, a.at(), (fk ? "FOREIGN KEY " : "CHECK ") + name + " on existing table " + t
                    + " is validated against every row while holding " + lock,
                    "ALTER TABLE " + t + " ADD CONSTRAINT " + name + " … NOT VALID; then, in a separate transaction,"
                            + " ALTER TABLE " + t + " VALIDATE CONSTRAINT " + name);
        }
    }

}
