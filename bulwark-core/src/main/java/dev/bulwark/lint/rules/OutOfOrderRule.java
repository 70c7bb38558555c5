package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;

/** A new migration sorts before migrations the target already applied. See docs/rules/out-of-order.md. */
public final class OutOfOrderRule extends Rule {
    @Override
    public String id() {
        return "out-of-order";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a new migration sorts before migrations the database already applied (needs --url)";
    }

    @Override
    public String help() {
        return "give the migration a version after the last applied one (rename the file), or apply it on purpose with bulwark migrate --out-of-order";
    }

    @Override
    public void checkSet(SetContext ctx) {
        String lastApplied = ctx.options().history().stream().filter(s -> s.state().isApplied()).map(MigrationStatus::id)
                .reduce((a, b) -> b).orElse(null);
        for (MigrationStatus s : ctx.options().history()) {
            if (s.state() == MigrationState.OUT_OF_ORDER && s.migration() != null) {
                ctx.report(s.migration().up().file(), s.migration().up().firstLine(), 1, 1, "migration " + s.id()
                        + " is not applied on the target but sorts before " + (lastApplied == null ? "applied migrations"
                        : "migration " + lastApplied + ", which is") + ": it was merged late, and tools that"
                        + " apply in order skip or refuse it", null, s.migration().id());
            }
        }
    }
}
