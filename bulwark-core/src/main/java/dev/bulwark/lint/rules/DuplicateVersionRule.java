package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;

import java.util.HashMap;
import java.util.Map;

/** Two migration files with one version or revision id. See docs/rules/duplicate-version.md. */
public final class DuplicateVersionRule extends Rule {
    @Override
    public String id() {
        return "duplicate-version";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "two migration files with one version or revision id";
    }

    @Override
    public String help() {
        return "give one of them a new id (and fix the down_revision that points at it)";
    }

    @Override
    public void checkSet(SetContext ctx) {
        Map<String, Migration> seen = new HashMap<>();
        for (MigrationContext c : ctx.migrations()) {
            Migration m = c.migration();
            if (m.toolData().containsKey(AlembicReader.ERROR)) {
                continue;
            }
            String id = m.format() == MigrationFormat.ALEMBIC ? Revisions.id(m) : m.id();
            Migration first = seen.putIfAbsent(id, m);
            if (first != null) {
                ctx.report(m.location(), Revisions.line(m), 1, 1, "version " + id + " is used by both "
                        + first.location().getFileName() + " and " + m.location().getFileName(), null, m.id());
            }
        }
    }

}
