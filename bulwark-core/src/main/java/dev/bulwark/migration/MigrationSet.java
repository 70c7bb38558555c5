package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Every migration found in one directory, in apply order: versioned ones by version, then
 * repeatable ones by description (Flyway's order).
 */
public record MigrationSet(Path directory, MigrationFormat format, List<Migration> migrations) {
    public static final Comparator<Migration> APPLY_ORDER = Comparator
            .comparing((Migration m) -> m.kind() == MigrationKind.REPEATABLE)
            .thenComparing(m -> m.version(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Migration::description);

    public MigrationSet {
        migrations = migrations.stream().sorted(APPLY_ORDER).toList();
    }

    public List<Migration> versioned() {
        return migrations.stream().filter(m -> m.kind() == MigrationKind.VERSIONED).toList();
    }
}
