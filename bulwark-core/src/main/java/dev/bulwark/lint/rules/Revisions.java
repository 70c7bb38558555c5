package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.SetContext;
import dev.bulwark.migration.AlembicReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Alembic revision graph as the reader recorded it in each migration's tool data. */
final class Revisions {
    private static final Pattern DOWNGRADE = Pattern.compile("(?m)^def\\s+downgrade\\b");

    private Revisions() {
    }

    static List<Migration> of(SetContext ctx) {
        return ctx.migrations().stream().map(MigrationContext::migration)
                .filter(m -> m.format() == MigrationFormat.ALEMBIC && !m.toolData().containsKey(AlembicReader.ERROR))
                .toList();
    }

    static String id(Migration m) {
        return m.toolData().getOrDefault(AlembicReader.REVISION, m.id());
    }

    static List<String> parents(Migration m) {
        String p = m.toolData().getOrDefault(AlembicReader.DOWN_REVISION, "");
        return p.isEmpty() ? List.of() : Arrays.asList(p.split(","));
    }

    static int line(Migration m) {
        return Integer.parseInt(m.toolData().getOrDefault(AlembicReader.REVISION_LINE, "1"));
    }

    /** The line of {@code def downgrade}, else of the revision. */
    static int downLine(Migration m) {
        Matcher d = DOWNGRADE.matcher(m.rawFile());
        if (m.format() == MigrationFormat.ALEMBIC && d.find()) {
            return (int) m.rawFile().substring(0, d.start()).chars().filter(c -> c == '\n').count() + 1;
        }
        return line(m);
    }

    /** How users name the migration: its revision for Alembic, else its id. */
    static String label(Migration m) {
        return m.format() == MigrationFormat.ALEMBIC ? id(m) : m.id();
    }
}
