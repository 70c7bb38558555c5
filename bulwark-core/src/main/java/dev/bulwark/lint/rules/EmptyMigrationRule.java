package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;

/** An empty or unparseable migration file. See docs/rules/empty-migration.md. */
public final class EmptyMigrationRule extends Rule {
    @Override
    public String id() {
        return "empty-migration";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "an empty or unparseable migration file";
    }

    @Override
    public String help() {
        return "keep the file if it may already be applied anywhere (the history records its version), and make it an"
                + " explicit no-op with a comment saying why; or give it the content it was meant to have";
    }

    @Override
    public void checkSet(SetContext ctx) {
        for (MigrationContext m : ctx.migrations()) {
            Migration mig = m.migration();
            String error = mig.toolData().get(AlembicReader.ERROR);
            if (error != null) {
                ctx.report(mig.location(), 1, 1, 1, mig.location().getFileName() + " is not a usable Alembic migration: "
                        + error + "; alembic itself fails on every command until it is fixed", null, mig.id());
            } else if (m.parseError() != null) {
                ctx.report(mig.up().file(), m.parseError().line(), m.parseError().column(), 1,
                        "migration " + mig.id() + " cannot be split into statements: " + m.parseError().getMessage(), null, mig.id());
            } else if (mig.toolData().containsKey(AlembicReader.UNREAD)) {
                // Real work lint cannot see is not emptiness: say what was not read, and how to read it.
                String[] where = mig.toolData().get(AlembicReader.UNREAD).split(":", 2);
                int line = Integer.parseInt(where[0]);
                ctx.reportAtMost(dev.bulwark.lint.Severity.INFO, mig.location(), line, 1, 1, "upgrade() of "
                                + Revisions.label(mig) + " issues operations lint cannot read statically (" + where[1]
                                + (m.statements().isEmpty() ? "" : ", besides the op.* calls it did read")
                                + "): they are not checked",
                        "lint the SQL Alembic itself emits: bulwark lint --render-cmd 'alembic upgrade head --sql'", mig.id());
            } else if (m.statements().isEmpty() && mig.up().isBlank()) {
                ctx.report(mig.up().file(), mig.up().firstLine(), 1, 1, "migration " + Revisions.label(mig) + " is empty: it records a"
                        + " version and changes nothing", neutralise(ctx, mig), mig.id());
            }
        }
    }

    /**
     * Never "delete it": a migration that some database already applied must stay, or the tool
     * reports a missing or out-of-order migration there. With --url the target's history says
     * whether it is applied.
     */
    private static String neutralise(SetContext ctx, Migration mig) {
        String noop = switch (mig.format()) {
            case ALEMBIC -> "make upgrade() and downgrade() an explicit `pass` with a comment saying why";
            default -> "keep it as an explicit no-op (e.g. `SELECT 1; -- intentionally empty: <why>`)";
        };
        for (dev.bulwark.plan.MigrationStatus st : ctx.options().history()) {
            if (st.id().equals(mig.id())) {
                return st.state().isApplied()
                        ? "it is applied on the target database, so do not delete or renumber it: " + noop
                        : "it is not applied on the target database: give it its content, or " + noop
                        + " (delete it only if no other database has applied it either)";
            }
        }
        return "do not delete it if it may already be applied anywhere (the history records its version): " + noop
                + "; or give it the content it was meant to have";
    }
}
