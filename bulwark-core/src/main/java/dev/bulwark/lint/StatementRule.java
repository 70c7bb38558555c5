package dev.bulwark.lint;

/** A rule that looks at each up statement of a migration on its own. */
public abstract class StatementRule extends Rule {
    @Override
    public final void check(MigrationContext ctx) {
        for (Analyzed s : ctx.statements()) {
            try {
                visit(ctx, s);
            } catch (RuntimeException e) {
                throw new Failure(s, e);
            }
        }
    }

    /** A rule that threw on a statement: the Linter reports it there as analysis-error. */
    static final class Failure extends RuntimeException {
        private final transient Analyzed statement;

        Failure(Analyzed statement, RuntimeException cause) {
            super(cause);
            this.statement = statement;
        }

        Analyzed statement() {
            return statement;
        }
    }

    protected abstract void visit(MigrationContext ctx, Analyzed s);
}
