package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** REINDEX without CONCURRENTLY (PostgreSQL 12+). See docs/rules/require-concurrent-reindex.md. */
public final class RequireConcurrentReindexRule extends StatementRule {
    @Override
    public String id() {
        return "require-concurrent-reindex";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "REINDEX without CONCURRENTLY (PostgreSQL 12+)";
    }

    @Override
    public String help() {
        return "REINDEX … CONCURRENTLY, outside a transaction";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.Reindex r && ctx.pgVersion() >= 12
                && (r.target().equals("index") || r.target().equals("table")) && r.name() != null) {
            // decided by the effect: SHARE on a table others use (CONCURRENTLY takes no blocking lock); for an index the
            // migrations did not create the model knows no table, and the statement's form decides
            String table = s.effect().target();
            boolean blocks = table == null ? !r.concurrently() : s.effect().lockOn(table) == Locks.Mode.SHARE && s.existing(table);
            if (!blocks) {
                return;
            }
            ctx.report(s, "REINDEX " + r.target().toUpperCase(java.util.Locale.ROOT) + " " + r.name().name()
                    + " without CONCURRENTLY blocks writes to " + (table == null ? "its table" : table)
                    + " and locks the index out of every read for the whole rebuild",
                    "REINDEX " + r.target().toUpperCase(java.util.Locale.ROOT) + " CONCURRENTLY " + r.name().name()
                            + ", outside a transaction");
        }
    }

}
