package dev.bulwark.migration;

import java.time.Duration;

/**
 * Per-migration execution settings, from directives in the file ({@code -- bulwark:no-transaction},
 * {@code -- bulwark:lock-timeout 5s}, {@code -- bulwark:statement-timeout 10min}). Directives are
 * comments, so any format may carry them. {@code null} durations mean "use the configured default".
 *
 * @param transactional    run the migration in one transaction (default true)
 * @param lockTimeout      lock_timeout for each statement, or null for the default
 * @param statementTimeout statement_timeout for each statement, or null for the default
 */
public record MigrationOptions(boolean transactional, Duration lockTimeout, Duration statementTimeout) {
    public static final MigrationOptions DEFAULT = new MigrationOptions(true, null, null);

    public MigrationOptions withTransactional(boolean value) {
        return new MigrationOptions(value, lockTimeout, statementTimeout);
    }

    public MigrationOptions withLockTimeout(Duration value) {
        return new MigrationOptions(transactional, value, statementTimeout);
    }

    public MigrationOptions withStatementTimeout(Duration value) {
        return new MigrationOptions(transactional, lockTimeout, value);
    }
}
