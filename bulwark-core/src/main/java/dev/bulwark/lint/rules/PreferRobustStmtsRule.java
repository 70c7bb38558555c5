package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Name;
import dev.bulwark.lint.recognize.Recognized;

/**
 * A statement that runs outside a transaction and fails when run a second time (no IF NOT EXISTS /
 * IF EXISTS). See docs/rules/prefer-robust-stmts.md.
 */
public final class PreferRobustStmtsRule extends StatementRule {
    @Override
    public String id() {
        return "prefer-robust-stmts";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a statement outside a transaction that fails when re-run (no IF NOT EXISTS / IF EXISTS)";
    }

    @Override
    public String help() {
        return "write it so a second run is harmless: CREATE … IF NOT EXISTS, DROP … IF EXISTS, ADD COLUMN IF NOT EXISTS";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.inTransaction()) {
            return;
        }
        Recognized r = s.what();
        boolean concurrentBuild = r instanceof Recognized.CreateIndex ci0 && ci0.concurrently();
        // A lone statement that fails leaves nothing behind (except a concurrent index build, which
        // leaves an INVALID index); it is a step with more steps after it that a re-run repeats.
        if (!concurrentBuild && s.index() == ctx.statements().size() - 1) {
            return;
        }
        if (r instanceof Recognized.CreateIndex ci && !ci.ifNotExists() && ci.name() != null && ci.concurrently()) {
            ctx.report(s, "CREATE INDEX CONCURRENTLY " + ci.name().name() + " runs outside a transaction: if the build fails"
                            + " or is interrupted (a duplicate key, a timeout, a killed deploy) it leaves an INVALID index "
                            + ci.name().name() + " behind, and the next run fails here because the name already exists",
                    "DROP INDEX CONCURRENTLY IF EXISTS " + ci.name().name() + " before it, or CREATE " + (ci.unique() ? "UNIQUE " : "")
                            + "INDEX CONCURRENTLY IF NOT EXISTS " + ci.name().name() + " (then check that the index is valid:"
                            + " IF NOT EXISTS also skips an INVALID leftover)");
        } else if (r instanceof Recognized.CreateIndex ci && !ci.ifNotExists() && ci.name() != null) {
            report(ctx, s, "CREATE INDEX " + ci.name().name(), "CREATE " + (ci.unique() ? "UNIQUE " : "") + "INDEX "
                    + (ci.concurrently() ? "CONCURRENTLY " : "") + "IF NOT EXISTS " + ci.name().name()
                    + (ci.concurrently() ? " (and if an earlier attempt failed, DROP INDEX CONCURRENTLY IF EXISTS "
                    + ci.name().name() + " first: a failed concurrent build leaves an INVALID index behind)" : ""));
        } else if (r instanceof Recognized.DropIndex di && !di.ifExists() && !di.names().isEmpty()) {
            String name = di.names().get(0).name();
            report(ctx, s, "DROP INDEX " + name, "DROP INDEX " + (di.concurrently() ? "CONCURRENTLY " : "")
                    + "IF EXISTS " + name);
        } else if (r instanceof Recognized.CreateTable ct && !ct.ifNotExists() && ct.table() != null) {
            report(ctx, s, "CREATE TABLE " + ct.table().name(), "CREATE TABLE IF NOT EXISTS " + ct.table().name());
        } else if (r instanceof Recognized.Drop d && !d.ifExists() && !d.names().isEmpty()) {
            String kind = d.objectKind().toUpperCase(java.util.Locale.ROOT);
            String name = d.names().stream().map(Name::name).reduce((a, b) -> a + ", " + b).orElse("");
            report(ctx, s, "DROP " + kind + " " + name, "DROP " + kind + " IF EXISTS " + name);
        } else if (r instanceof Recognized.AlterTable at && at.table() != null) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddColumn ac && !ac.ifNotExists()) {
                    ctx.report(s, a.at(), message("ADD COLUMN " + ac.column().name() + " on " + at.table().name()),
                            "ALTER TABLE " + at.table().name() + " ADD COLUMN IF NOT EXISTS " + ac.column().name() + " …");
                }
            }
        }
    }

    private static void report(MigrationContext ctx, Analyzed s, String what, String safe) {
        ctx.report(s, message(what), safe);
    }

    private static String message(String what) {
        return what + " runs outside a transaction: if the migration stops after it (a timeout on a later step, a"
                + " killed deploy), the next run fails here because the object already "
                + (what.startsWith("DROP") ? "is gone" : "exists");
    }
}
