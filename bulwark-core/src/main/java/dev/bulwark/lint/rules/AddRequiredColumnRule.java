package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** ADD COLUMN … NOT NULL without a DEFAULT. See docs/rules/add-required-column.md. */
public final class AddRequiredColumnRule extends StatementRule {
    @Override
    public String id() {
        return "add-required-column";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "ADD COLUMN … NOT NULL without a DEFAULT";
    }

    @Override
    public String help() {
        return "add the column nullable (or with a non-volatile DEFAULT), backfill, then enforce NOT NULL";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !s.existing(at.table().name())) {
            return;
        }
        for (Recognized.Action a : at.actions()) {
            if (a instanceof Recognized.AddColumn ac && ac.column().notNull() && ac.column().defaultExpr() == null
                    && !ac.column().identity() && !ac.column().generatedStored()) {
                String c = ac.column().name();
                ctx.report(s, a.at(), "ADD COLUMN " + c + " NOT NULL without a DEFAULT fails on " + at.table().name()
                        + " as soon as it holds a row",
                        "ADD COLUMN " + c + " " + ac.column().type() + " DEFAULT <value> NOT NULL (a non-volatile default needs"
                                + " no rewrite), or add it nullable, backfill, then set NOT NULL via a validated CHECK");
            }
        }
    }

}
