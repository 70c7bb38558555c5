package dev.bulwark.api;

import java.time.Duration;
import java.time.Instant;

/**
 * One migration's state, as {@link Bulwark#status()} reports it.
 *
 * @param id          the version (for repeatable migrations: the description)
 * @param script      where the migration was found ({@code classpath:db/migration/V1__init.sql}), or null when its file is missing
 * @param appliedAt   when it was last applied, or null
 * @param duration    how long that took, or null
 * @param detail      an explanation ("interrupted at statement 3 of 5"), or null
 */
public record MigrationInfo(String id, String description, MigrationState state, String script, Instant appliedAt,
                            Duration duration, String detail) {
}
