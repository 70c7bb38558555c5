package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;

/** Explicit BEGIN/COMMIT in a file the runner wraps; nesting; a missing COMMIT. See docs/rules/transaction-control.md. */
public final class TransactionControlRule extends Rule {
    @Override
    public String id() {
        return "transaction-control";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "explicit BEGIN/COMMIT in a file the runner wraps; nesting; a missing COMMIT";
    }

    @Override
    public String help() {
        return "remove BEGIN/COMMIT (the runner already wraps the migration), or split the file";
    }

    @Override
    public void check(MigrationContext ctx) {
        boolean wrapped = !ctx.migration().toolData().containsKey(dev.bulwark.lint.Linter.RENDERED) && switch (ctx.format()) {
            case BULWARK, DBMATE, FLYWAY, DRIZZLE, ALEMBIC -> ctx.migration().options().transactional();
            case DIESEL, GOOSE, LIQUIBASE -> ctx.migration().options().transactional();
            default -> false;
        };
        Analyzed open = null;
        for (Analyzed s : ctx.statements()) {
            if (!(s.what() instanceof Recognized.TransactionControl tc)) {
                continue;
            }
            if (tc.begins() && open != null) {
                ctx.report(s, "BEGIN inside the transaction opened at line " + open.statement().line()
                        + ": PostgreSQL ignores it with a warning, and the first COMMIT ends both", null);
            } else if (wrapped) {
                ctx.report(s, (tc.begins() ? "BEGIN" : "COMMIT") + " in a migration that " + ctx.format().id()
                        + " already runs in a transaction: " + (tc.begins() ? "it nests (PostgreSQL ignores it)"
                        : "it commits the runner's transaction early, so a later failure leaves the migration half applied"), null);
            }
            open = tc.begins() ? (open == null ? s : open) : null;
        }
        if (open != null) {
            ctx.report(open, "BEGIN at line " + open.statement().line() + " is never committed: the migration's changes"
                    + " are rolled back (or left open) when the session ends", "add COMMIT; at the end, or remove the BEGIN");
        }
    }

}
