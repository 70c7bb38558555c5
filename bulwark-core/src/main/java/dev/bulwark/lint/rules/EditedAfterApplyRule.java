package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;

/** A migration file changed after the target applied it. See docs/rules/edited-after-apply.md. */
public final class EditedAfterApplyRule extends Rule {
    @Override
    public String id() {
        return "edited-after-apply";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a migration file changed after the database applied it (needs --url)";
    }

    @Override
    public String help() {
        return "restore the file as it was applied (git log -p on it) and put the change in a new migration";
    }

    @Override
    public void checkSet(SetContext ctx) {
        for (MigrationStatus s : ctx.options().history()) {
            if (s.state() == MigrationState.EDITED && s.migration() != null) {
                ctx.report(s.migration().up().file(), s.migration().up().firstLine(), 1, 1, "migration " + s.id()
                        + " was applied on the target" + (s.recordedBy() == null ? "" : " (recorded in " + s.recordedBy() + ")")
                        + " and its file has changed since: the database does not have what the file now says"
                        + (s.detail() == null ? "" : " (" + s.detail() + ")"), null, s.migration().id());
            }
        }
    }
}
