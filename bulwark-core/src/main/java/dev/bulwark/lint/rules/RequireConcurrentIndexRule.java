package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** CREATE INDEX without CONCURRENTLY on an existing table. See docs/rules/require-concurrent-index.md. */
public final class RequireConcurrentIndexRule extends StatementRule {
    @Override
    public String id() {
        return "require-concurrent-index";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "CREATE INDEX without CONCURRENTLY on an existing table";
    }

    @Override
    public String help() {
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS … in a migration of its own, outside a transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        // decided by the effect: the build holds SHARE on a table others use (CONCURRENTLY takes SHARE UPDATE EXCLUSIVE)
        if (s.what() instanceof Recognized.CreateIndex ci && ci.table() != null
                && s.effect().lockOn(ci.table().name()) == Locks.Mode.SHARE
                && s.existing(ci.table().name()) && !partitioned(s, ci.table().name())) {
            String name = ci.name() == null ? "" : ci.name().name() + " ";
            ctx.report(s, "CREATE INDEX " + name + "on existing table " + ci.table().name()
                    + " without CONCURRENTLY blocks every write to " + ci.table().name() + " (SHARE lock) until the index is built",
                    "CREATE " + (ci.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS " + name + "ON "
                            + ci.table().name() + " (" + String.join(", ", ci.columns()) + ")"
                            + ", in a migration of its own outside a transaction");
        }
    }

    private static boolean partitioned(Analyzed s, String table) {
        return s.before().table(table) != null && s.before().table(table).partitioned();
    }
}
