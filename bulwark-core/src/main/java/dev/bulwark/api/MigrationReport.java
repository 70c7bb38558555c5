package dev.bulwark.api;

import java.util.List;

/**
 * What {@link Bulwark#migrate} or {@link Bulwark#rollback} did.
 *
 * @param migrations     the migrations that ran, in order (empty for a dry run or when nothing was pending)
 * @param dryRunSql      for a dry run, the session settings and statements that would run; else empty
 * @param currentVersion the version the database is at afterwards, or null for none
 */
public record MigrationReport(List<AppliedMigration> migrations, List<String> dryRunSql, String currentVersion) {
    public MigrationReport {
        migrations = List.copyOf(migrations);
        dryRunSql = List.copyOf(dryRunSql);
    }
}
