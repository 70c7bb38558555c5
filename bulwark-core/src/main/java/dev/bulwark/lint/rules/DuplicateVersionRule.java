package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.LayoutProblem;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;

import java.util.HashMap;
import java.util.Map;

/**
 * Two migration files with one version or revision id, and the other layout problems the readers
 * meet (a file named as no migration, a migration written in code, a down without its up, a version
 * too long for the history column): the folder as the tool would refuse it. See docs/rules/duplicate-version.md.
 */
public final class DuplicateVersionRule extends Rule {
    @Override
    public String id() {
        return "duplicate-version";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile("line (\\d+): ");

    @Override
    public String summary() {
        return "two migration files with one version or revision id, or a file in the folder the tool would stumble on";
    }

    @Override
    public String help() {
        return "give one of them a new id (and fix the down_revision that points at it)";
    }

    @Override
    public void checkSet(SetContext ctx) {
        // What the reader met in the folder: duplicate versions and files the tool would stumble on
        // (misnamed, written in code, orphaned). A provider mismatch is dialect-mismatch's.
        for (LayoutProblem p : ctx.set().problems()) {
            if (p.rule().equals(LayoutProblem.DUPLICATE) || p.rule().equals(LayoutProblem.LAYOUT)) {
                // a problem found on a line of the file ("line 4: goose ends a statement …") points there
                java.util.regex.Matcher at = LINE.matcher(p.reason());
                int line = at.lookingAt() && java.nio.file.Files.isRegularFile(p.file()) ? Integer.parseInt(at.group(1)) : 1;
                ctx.report(p.file(), line, 1, 1, p.file().getFileName() + " " + p.reason(), p.fix(), null);
            }
        }
        Map<String, Migration> seen = new HashMap<>();
        for (MigrationContext c : ctx.migrations()) {
            Migration m = c.migration();
            if (m.toolData().containsKey(AlembicReader.ERROR) || m.format() != MigrationFormat.ALEMBIC) {
                // the other layouts' duplicates are found by their readers (by version, so 1 and 0001 clash)
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
