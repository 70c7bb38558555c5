package dev.bulwark.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated configuration of a {@link Bulwark}, as {@link FluentConfiguration#load()} settled it.
 *
 * @param database  the database, password masked ({@code postgresql://app:***@db:5432/shop}), or
 *                  {@code "DataSource"}, or null when none is configured
 * @param format    the layout, or null when it is detected from the files
 */
public record Configuration(String database, List<String> locations, MigrationFormat format, Duration lockTimeout,
                            Duration statementTimeout, Duration lockRetryBudget, Duration lockWait, String historySchema,
                            Path projectDirectory, Severity lintFailOn) {
    public Configuration {
        locations = List.copyOf(locations);
    }
}
