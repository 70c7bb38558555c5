package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** ON UPDATE CASCADE on a foreign key. See docs/rules/update-cascade.md. */
public final class UpdateCascadeRule extends StatementRule {
    @Override
    public String id() {
        return "update-cascade";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "ON UPDATE CASCADE on a foreign key";
    }

    @Override
    public String help() {
        return "reference an immutable surrogate key (an identity column) and drop ON UPDATE CASCADE";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Fks.Added fk : Fks.added(s)) {
            if (fk.def().onUpdate() == Recognized.FkAction.CASCADE) {
                ctx.report(s, fk.def().at(), "foreign key " + fk.child() + "(" + String.join(", ", fk.columns()) + ") → "
                        + fk.def().refTable() + " is ON UPDATE CASCADE: changing a key of " + fk.def().refTable()
                        + " rewrites and locks every matching " + fk.child() + " row, in the same transaction", null);
            }
        }
    }

}
