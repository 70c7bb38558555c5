package dev.bulwark.plan;

import dev.bulwark.history.HistoryEntry;
import dev.bulwark.migration.Migration;

/**
 * One line of {@code bulwark status}.
 *
 * @param id        version (or repeatable description)
 * @param migration the file, or null when it is missing
 * @param last      the latest history row that decides the state, or null
 * @param recordedBy which history table says so ({@code bulwark_history}, {@code flyway_schema_history} …), or null
 * @param detail    extra explanation ("interrupted at statement 3 of 5: migrate resumes there"), or null
 */
public record MigrationStatus(String id, String description, MigrationState state, Migration migration,
                              HistoryEntry last, String recordedBy, String detail) {
}
