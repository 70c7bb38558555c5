package dev.bulwark.api;

/**
 * How {@link Bulwark#migrate(MigrateOptions)} runs.
 *
 * @param target          the version to stop at (inclusive), or null for all pending
 * @param dryRun          print what would run, change nothing
 * @param allowOutOfOrder apply pending migrations that sort before applied ones
 * @param contractPhase   run {@code -- bulwark:phase contract} migrations too; without it migrate stops before the first
 *                        pending one (the application release between the phases is the caller's) and says so in
 *                        {@link MigrationReport#stoppedAtPhaseBarrier()}
 */
public record MigrateOptions(String target, boolean dryRun, boolean allowOutOfOrder, boolean contractPhase) {
    /** Without the contract phase, as before it existed. */
    public MigrateOptions(String target, boolean dryRun, boolean allowOutOfOrder) {
        this(target, dryRun, allowOutOfOrder, false);
    }

    /** Every pending migration up to the phase barrier, in order, for real. */
    public static MigrateOptions defaults() {
        return new MigrateOptions(null, false, false, false);
    }

    public MigrateOptions withTarget(String version) {
        return new MigrateOptions(version, dryRun, allowOutOfOrder, contractPhase);
    }

    public MigrateOptions asDryRun() {
        return new MigrateOptions(target, true, allowOutOfOrder, contractPhase);
    }

    public MigrateOptions allowingOutOfOrder() {
        return new MigrateOptions(target, dryRun, true, contractPhase);
    }

    /** Runs the contract phase too ({@code bulwark migrate --phase contract}): once the application no longer needs the old schema. */
    public MigrateOptions includingContractPhase() {
        return new MigrateOptions(target, dryRun, allowOutOfOrder, true);
    }
}
