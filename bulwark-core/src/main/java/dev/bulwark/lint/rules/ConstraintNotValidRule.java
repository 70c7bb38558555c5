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
        return "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction; for a FOREIGN KEY, bulwark plan <migration> writes both";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || at.table() == null) {
            return;
        }
        String t = at.table().name();
        if (!s.existing(t)) {
            if (s.before().filledByQuery(t)) {
                filledHere(ctx, s, at);
            }
            return;
        }
        for (Recognized.Action a : at.actions()) {
            ConstraintDef c = null;
            if (a instanceof Recognized.AddConstraint ac) {
                c = ac.constraint();
            } else if (a instanceof Recognized.AddColumn add) {
                // A CHECK on a new column is checked against every existing row too (under ACCESS EXCLUSIVE).
                c = add.column().constraints().stream()
                        .filter(d -> d.kind() == ConstraintKind.FOREIGN_KEY).findFirst()
                        .orElse(add.column().constraints().stream()
                                .filter(d -> d.kind() == ConstraintKind.CHECK).findFirst().orElse(null));
            }
            if (c == null || c.notValid() || (c.kind() != ConstraintKind.CHECK && c.kind() != ConstraintKind.FOREIGN_KEY)) {
                continue;
            }
            boolean fk = c.kind() == ConstraintKind.FOREIGN_KEY;
            String name = c.name() == null ? (fk ? t + "_" + String.join("_", c.columns()) + "_fkey" : t + (c.columns().isEmpty() ? "" : "_" + String.join("_", c.columns())) + "_check") : c.name();
            String lock = fk ? "SHARE ROW EXCLUSIVE on both " + t + " and " + c.refTable() + " (blocking writes to both)"
                    : "ACCESS EXCLUSIVE on " + t + " (blocking reads and writes)";
            ctx.report(s, a.at(), (fk ? "FOREIGN KEY " : "CHECK ") + name + " on existing table " + t
                    + " is validated against every row while holding " + lock,
                    "ALTER TABLE " + t + " ADD CONSTRAINT " + name + " … NOT VALID; then, in a separate transaction,"
                            + " ALTER TABLE " + t + " VALIDATE CONSTRAINT " + name);
        }
    }

    /**
     * A table created by CREATE TABLE … AS in this migration already holds rows: nobody else sees
     * it, but a foreign key from it is validated row by row while the referenced table, which
     * everybody uses, is held in SHARE ROW EXCLUSIVE.
     */
    private static void filledHere(MigrationContext ctx, Analyzed s, Recognized.AlterTable at) {
        String t = at.table().name();
        for (Recognized.Action a : at.actions()) {
            ConstraintDef c = null;
            if (a instanceof Recognized.AddConstraint ac) {
                c = ac.constraint();
            } else if (a instanceof Recognized.AddColumn add) {
                c = add.column().constraints().stream()
                        .filter(d -> d.kind() == ConstraintKind.FOREIGN_KEY).findFirst().orElse(null);
            }
            if (c == null || c.notValid() || c.kind() != ConstraintKind.FOREIGN_KEY || c.refTable() == null
                    || !s.existing(c.refTable())) {
                continue;
            }
            String name = c.name() == null ? t + "_" + String.join("_", c.columns()) + "_fkey" : c.name();
            ctx.report(s, a.at(), "FOREIGN KEY " + name + " on " + t + " (just filled by CREATE TABLE … AS) is validated"
                            + " against every copied row while holding SHARE ROW EXCLUSIVE on " + c.refTable()
                            + ", blocking writes to " + c.refTable() + " for the whole scan",
                    "ALTER TABLE " + t + " ADD CONSTRAINT " + name + " … NOT VALID; then, in a separate transaction,"
                            + " ALTER TABLE " + t + " VALIDATE CONSTRAINT " + name);
        }
    }
}
