package dev.bulwark.migration;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Temporary until the sources branch lands. */
public final class ProjectScaffold {
    private ProjectScaffold() {
    }

    public static void init(Path projectDir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    public static List<Path> newMigration(Path dir, String name, MigrationFormat format, Clock clock) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
