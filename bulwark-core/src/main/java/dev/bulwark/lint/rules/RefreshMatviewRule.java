package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** REFRESH MATERIALIZED VIEW without CONCURRENTLY. See docs/rules/refresh-matview.md. */
public final class RefreshMatviewRule extends StatementRule {
    @Override
    public String id() {
        return "refresh-matview";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "REFRESH MATERIALIZED VIEW without CONCURRENTLY";
    }

    @Override
    public String help() {
        return "REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view)";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        // decided by the effect: ACCESS EXCLUSIVE on a view others read (CONCURRENTLY takes EXCLUSIVE, which lets reads on)
        if (s.what() instanceof Recognized.RefreshMaterializedView r && r.name() != null && !r.withNoData()
                && s.effect().lockOn(r.name().name()) == Locks.Mode.ACCESS_EXCLUSIVE && s.existing(r.name().name())) {
            ctx.report(s, "REFRESH MATERIALIZED VIEW " + r.name().name() + " blocks every read of it (ACCESS EXCLUSIVE)"
                    + " until the query behind it finishes",
                    "REFRESH MATERIALIZED VIEW CONCURRENTLY " + r.name().name() + ", with a unique index on the view");
        }
    }

}
