package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.Migration;

/** A revision id longer than the history column holds. See docs/rules/version-too-long.md. */
public final class VersionTooLongRule extends Rule {
    @Override
    public String id() {
        return "version-too-long";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a revision id longer than the history column holds";
    }

    @Override
    public String help() {
        return "use an id of at most 32 characters (alembic_version.version_num is VARCHAR(32))";
    }

    @Override
    public void checkSet(SetContext ctx) {
        for (Migration m : Revisions.of(ctx)) {
            String id = Revisions.id(m);
            if (id.length() > 32) {
                ctx.report(m.location(), Revisions.line(m), 1, 1, "revision id " + id + " is " + id.length()
                        + " characters; alembic_version.version_num is VARCHAR(32), so recording it fails after the"
                        + " migration ran", null, m.id());
            }
        }
    }

}
