package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Locks;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** CREATE TRIGGER on an existing table. See docs/rules/trigger-on-existing.md. */
public final class TriggerOnExistingRule extends StatementRule {
    @Override
    public String id() {
        return "trigger-on-existing";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "CREATE TRIGGER on an existing table";
    }

    @Override
    public String help() {
        return "SET lock_timeout to a short value (e.g. 2s) before it, and retry";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (s.what() instanceof Recognized.CreateTrigger t && t.table() != null
                && s.effect().lockOn(t.table().name()) == Locks.Mode.SHARE_ROW_EXCLUSIVE && s.existing(t.table().name())) {
            ctx.report(s, "CREATE TRIGGER " + (t.name() == null ? "" : t.name().name() + " ") + "on existing table "
                    + t.table().name() + " takes SHARE ROW EXCLUSIVE, blocking writes while it waits for running transactions", null);
        }
    }

}
