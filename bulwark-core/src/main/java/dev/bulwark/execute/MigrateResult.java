package dev.bulwark.execute;

import java.util.List;

/**
 * What {@code migrate} or {@code rollback} did.
 *
 * @param applied   the migrations that ran, in order
 * @param dryRunSql for a dry run, the exact session settings and statements that would run; else empty
 * @param current   the version the database is at afterwards, or null for none
 */
public record MigrateResult(List<Applied> applied, List<String> dryRunSql, String current) {
}
