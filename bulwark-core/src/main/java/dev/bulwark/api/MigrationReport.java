package dev.bulwark.api;

import java.util.List;

/**
 * What {@link Bulwark#migrate} or {@link Bulwark#rollback} did.
 *
 * @param migrations          the migrations that ran, in order (empty for a dry run or when nothing was pending)
 * @param dryRunSql           for a dry run, the session settings and statements that would run; else empty
 * @param currentVersion      the version the database is at afterwards, or null for none
 * @param waitingAtBarrier    when migrate stopped at the phase barrier: the ids of the pending migrations it did not run,
 *                            the first being the {@code -- bulwark:phase contract} migration it stopped before; else empty
 */
public record MigrationReport(List<AppliedMigration> migrations, List<String> dryRunSql, String currentVersion,
                              List<String> waitingAtBarrier) {
    public MigrationReport {
        migrations = List.copyOf(migrations);
        dryRunSql = List.copyOf(dryRunSql);
        waitingAtBarrier = waitingAtBarrier == null ? List.of() : List.copyOf(waitingAtBarrier);
    }

    /** A report that did not stop at a phase barrier. */
    public MigrationReport(List<AppliedMigration> migrations, List<String> dryRunSql, String currentVersion) {
        this(migrations, dryRunSql, currentVersion, List.of());
    }

    /**
     * True when migrate stopped before a pending contract-phase migration: the ones in {@link #waitingAtBarrier()} did
     * not run. Release the application that no longer needs the old schema, then migrate with
     * {@link MigrateOptions#includingContractPhase()}.
     */
    public boolean stoppedAtPhaseBarrier() {
        return !waitingAtBarrier.isEmpty();
    }

    @Override
    public String toString() {
        return "MigrationReport[migrations=" + migrations + ", dryRunSql=" + dryRunSql + ", currentVersion=" + currentVersion
                + (stoppedAtPhaseBarrier() ? ", stopped at the phase barrier before " + waitingAtBarrier.get(0) + " (-- bulwark:phase contract; "
                + waitingAtBarrier.size() + " waiting: " + String.join(", ", waitingAtBarrier) + ")" : "") + "]";
    }
}
