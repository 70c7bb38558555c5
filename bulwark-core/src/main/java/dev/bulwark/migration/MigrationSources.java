package dev.bulwark.migration;

import java.nio.file.Path;

/** Temporary until the sources branch lands. */
public final class MigrationSources {
    private MigrationSources() {
    }

    public static MigrationFormat detect(Path dir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    public static MigrationSet read(Path dir, MigrationFormat format) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
