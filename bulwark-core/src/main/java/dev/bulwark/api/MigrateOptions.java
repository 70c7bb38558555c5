package dev.bulwark.api;

/**
 * How {@link Bulwark#migrate(MigrateOptions)} runs.
 *
 * @param target          the version to stop at (inclusive), or null for all pending
 * @param dryRun          print what would run, change nothing
 * @param allowOutOfOrder apply pending migrations that sort before applied ones
 */
public record MigrateOptions(String target, boolean dryRun, boolean allowOutOfOrder) {
    /** Every pending migration, in order, for real. */
    public static MigrateOptions defaults() {
        return new MigrateOptions(null, false, false);
    }

    public MigrateOptions withTarget(String version) {
        return new MigrateOptions(version, dryRun, allowOutOfOrder);
    }

    public MigrateOptions asDryRun() {
        return new MigrateOptions(target, true, allowOutOfOrder);
    }

    public MigrateOptions allowingOutOfOrder() {
        return new MigrateOptions(target, dryRun, true);
    }
}
