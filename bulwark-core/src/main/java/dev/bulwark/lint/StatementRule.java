package dev.bulwark.lint;

/** A rule that looks at each up statement of a migration on its own. */
public abstract class StatementRule extends Rule {
    @Override
    public final void check(MigrationContext ctx) {
        for (Analyzed s : ctx.statements()) {
            visit(ctx, s);
        }
    }

    protected abstract void visit(MigrationContext ctx, Analyzed s);
}
