package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Every migration found in one directory, in apply order: versioned ones by version, then
 * repeatable ones by description (Flyway's order), and the {@link LayoutProblem}s met reading
 * them when the folder was read leniently ({@link MigrationSources#readLenient}).
 */
public record MigrationSet(Path directory, MigrationFormat format, List<Migration> migrations,
                           List<LayoutProblem> problems) {
    public static final Comparator<Migration> APPLY_ORDER = Comparator
            .comparing((Migration m) -> m.kind() == MigrationKind.REPEATABLE)
            .thenComparing(m -> m.version(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Migration::description);

    public MigrationSet {
        migrations = migrations.stream().sorted(APPLY_ORDER).toList();
        problems = List.copyOf(problems);
    }

    /** A set read with no layout problem. */
    public MigrationSet(Path directory, MigrationFormat format, List<Migration> migrations) {
        this(directory, format, migrations, List.of());
    }

    public List<Migration> versioned() {
        return migrations.stream().filter(m -> m.kind() == MigrationKind.VERSIONED).toList();
    }
}
