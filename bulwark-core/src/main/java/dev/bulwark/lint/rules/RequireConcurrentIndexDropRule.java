package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Name;

/** DROP INDEX without CONCURRENTLY. See docs/rules/require-concurrent-index-drop.md. */
public final class RequireConcurrentIndexDropRule extends StatementRule {
    @Override
    public String id() {
        return "require-concurrent-index-drop";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "DROP INDEX without CONCURRENTLY";
    }

    @Override
    public String help() {
        return "DROP INDEX CONCURRENTLY IF EXISTS …, in a migration of its own outside a transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.DropIndex di) {
            for (Name n : di.names()) {
                // decided by the effect: ACCESS EXCLUSIVE on a table others use (CONCURRENTLY takes SHARE UPDATE
                // EXCLUSIVE). An index the migrations did not create has no table in the model, so no lock in the
                // effect: then the statement's form decides, since the drop blocks whatever table it is on.
                String table = s.before().tableOfIndex(n.name());
                if (table == null && di.ifExists() && s.before().indexDropped(n.name())) {
                    continue; // an earlier migration dropped it: IF EXISTS finds nothing, takes no lock
                }
                boolean blocks = table == null ? !di.concurrently()
                        : s.effect().lockOn(table) == Locks.Mode.ACCESS_EXCLUSIVE && s.existing(table);
                if (!blocks) {
                    continue;
                }
                ctx.report(s, n.token(), "DROP INDEX " + n.name() + " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
                        + (table == null ? "its table" : table) + ", blocking reads and writes while it waits and runs",
                        "DROP INDEX CONCURRENTLY IF EXISTS " + n.name() + ", in a migration of its own outside a transaction");
            }
        }
    }

}
