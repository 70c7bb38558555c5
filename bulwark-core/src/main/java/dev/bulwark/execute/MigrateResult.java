package dev.bulwark.execute;

import java.util.List;

/**
 * What {@code migrate} or {@code rollback} did.
 *
 * @param applied   the migrations that ran, in order
 * @param dryRunSql for a dry run, the exact session settings and statements that would run; else empty
 * @param current   the version the database is at afterwards, or null for none
 * @param barrier   where migrate stopped before a contract-phase migration it was not asked to run, or null
 */
public record MigrateResult(List<Applied> applied, List<String> dryRunSql, String current, PhaseBarrier barrier) {
    public MigrateResult(List<Applied> applied, List<String> dryRunSql, String current) {
        this(applied, dryRunSql, current, null);
    }
}
