package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognized.ConstraintDef;
import dev.bulwark.lint.recognize.Recognized.ConstraintKind;

/** ADD UNIQUE / PRIMARY KEY without USING INDEX on an existing table. See docs/rules/unique-without-index.md. */
public final class UniqueWithoutIndexRule extends StatementRule {
    @Override
    public String id() {
        return "unique-without-index";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "ADD UNIQUE / PRIMARY KEY without USING INDEX on an existing table";
    }

    @Override
    public String help() {
        return "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX; bulwark plan <migration> writes both";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !s.existing(at.table().name())) {
            return;
        }
        String t = at.table().name();
        for (Recognized.Action a : at.actions()) {
            if (a instanceof Recognized.AddColumn add) {
                for (ConstraintDef c : add.column().constraints()) {
                    if (c.kind() != ConstraintKind.UNIQUE && c.kind() != ConstraintKind.PRIMARY_KEY) {
                        continue;
                    }
                    String col = add.column().name();
                    String kind = c.kind() == ConstraintKind.UNIQUE ? "UNIQUE" : "PRIMARY KEY";
                    String name = c.name() != null ? c.name()
                            : t + (c.kind() == ConstraintKind.UNIQUE ? "_" + col + "_key" : "_pkey");
                    ctx.report(s, c.at() == null ? a.at() : c.at(), "ADD COLUMN " + col + " " + kind + " on existing table " + t
                                    + " builds the unique index " + name + " over every row of " + t
                                    + " while holding ACCESS EXCLUSIVE, blocking reads and writes to " + t,
                            "ALTER TABLE " + t + " ADD COLUMN " + col + " " + add.column().type() + "; then CREATE UNIQUE"
                                    + " INDEX CONCURRENTLY " + name + " ON " + t + " (" + col + "); then ALTER TABLE " + t
                                    + " ADD CONSTRAINT " + name + " " + kind + " USING INDEX " + name);
                }
            } else if (a instanceof Recognized.AddConstraint ac && !ac.constraint().usingIndex()
                    && (ac.constraint().kind() == ConstraintKind.UNIQUE || ac.constraint().kind() == ConstraintKind.PRIMARY_KEY)) {
                ConstraintDef c = ac.constraint();
                String kind = c.kind() == ConstraintKind.UNIQUE ? "UNIQUE" : "PRIMARY KEY";
                String name = c.name() != null ? c.name()
                        : t + (c.kind() == ConstraintKind.UNIQUE ? "_" + String.join("_", c.columns()) + "_key" : "_pkey");
                String cols = String.join(", ", c.columns());
                ctx.report(s, a.at(), "ADD " + kind + " " + name + " on existing table " + t
                        + " builds its index while holding ACCESS EXCLUSIVE, blocking reads and writes to " + t,
                        "CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + t + " (" + cols + "); then ALTER TABLE " + t
                                + " ADD CONSTRAINT " + name + " " + kind + " USING INDEX " + name);
            }
        }
    }

}
