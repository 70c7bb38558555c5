package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.sql.StatementClassifier;

/** A statement that cannot run in a transaction runs inside one. See docs/rules/concurrently-in-transaction.md. */
public final class ConcurrentlyInTransactionRule extends StatementRule {
    @Override
    public String id() {
        return "concurrently-in-transaction";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a statement that cannot run in a transaction runs inside one";
    }

    @Override
    public String help() {
        return "put the statement in a migration of its own that runs outside a transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!s.inTransaction() || s.effect().transactional()) {
            return;
        }
        String what = StatementClassifier.describe(s.statement()).toUpperCase(java.util.Locale.ROOT);
        String why;
        String fix;
        boolean explicit = ctx.statements().stream().anyMatch(a -> a.index() < s.index()
                && a.transaction() == s.transaction() && a.what() instanceof Recognized.TransactionControl);
        if (explicit) {
            why = "it is between BEGIN and COMMIT";
            fix = "move it after the COMMIT, or into a migration of its own";
        } else {
            switch (ctx.format()) {
                case ALEMBIC -> {
                    why = "Alembic runs upgrade() in one transaction";
                    fix = "wrap it in `with op.get_context().autocommit_block():`";
                }
                case FLYWAY -> {
                    why = "Flyway refuses to mix it with the migration's other statements (or runs them all in one transaction)";
                    fix = "move it into a V…__ migration of its own";
                }
                case GOLANG_MIGRATE, PRISMA -> {
                    why = ctx.format().id() + " sends the file as one multi-statement query, which PostgreSQL runs as one transaction";
                    fix = "move it into a migration file of its own, with no other statement";
                }
                case DBMATE -> {
                    why = "dbmate runs the migration in a transaction";
                    fix = "move it into a migration of its own marked -- migrate:up transaction:false";
                }
                case DIESEL -> {
                    why = "diesel runs the migration in a transaction";
                    fix = "move it into a migration of its own whose metadata.toml says run_in_transaction = false";
                }
                case GOOSE -> {
                    why = "goose runs the migration in a transaction";
                    fix = "move it into a migration of its own marked -- +goose NO TRANSACTION";
                }
                case LIQUIBASE -> {
                    why = "Liquibase runs the changeset in a transaction";
                    fix = "move it into a changeset of its own with runInTransaction:false";
                }
                default -> {
                    why = ctx.format().id() + " runs the migration in a transaction";
                    fix = "move it into a migration of its own that runs outside a transaction";
                }
            }
        }
        ctx.report(s, what + " cannot run inside a transaction block, and " + why + ": the migration fails at run time", fix);
    }

}
