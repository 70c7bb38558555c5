package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** ALTER TYPE … ADD VALUE in a transaction before PG12; RENAME VALUE. See docs/rules/enum-change.md. */
public final class EnumChangeRule extends StatementRule {
    @Override
    public String id() {
        return "enum-change";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "ALTER TYPE … ADD VALUE in a transaction before PG12; RENAME VALUE";
    }

    @Override
    public String help() {
        return "append values with ADD VALUE outside a transaction (or PG12+), never rename: or use a lookup table";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterType t) || t.type() == null) {
            return;
        }
        if (t.renameValue()) {
            ctx.report(s, "renaming a value of enum " + t.type().name() + " breaks every running query and client that"
                    + " still sends the old value", "add the new value, migrate the rows, and stop using the old one");
        } else if (t.addValue() && ctx.pgVersion() < 12 && s.inTransaction()) {
            ctx.report(s, "ALTER TYPE " + t.type().name() + " ADD VALUE cannot run inside a transaction before PostgreSQL 12",
                    "run it in a migration of its own outside a transaction");
        }
    }

}
