package dev.bulwark.migration;

import java.time.Duration;

/**
 * Per-migration execution settings, from directives in the file ({@code -- bulwark:no-transaction},
 * {@code -- bulwark:lock-timeout 5s}, {@code -- bulwark:statement-timeout 10min},
 * {@code -- bulwark:phase expand|contract}). Directives are comments, so any format may carry them.
 * {@code null} durations mean "use the configured default".
 *
 * @param transactional    run the migration in one transaction (default true)
 * @param lockTimeout      lock_timeout for each statement, or null for the default
 * @param statementTimeout statement_timeout for each statement, or null for the default
 * @param phase            the expand/contract phase the migration belongs to, or null when it has none
 */
public record MigrationOptions(boolean transactional, Duration lockTimeout, Duration statementTimeout, Phase phase) {
    public static final MigrationOptions DEFAULT = new MigrationOptions(true, null, null, null);

    /** The phases of an expand/contract change ({@code -- bulwark:phase expand|contract}). */
    public enum Phase {
        /** adds what the new application release needs, keeps what the old one needs: can always be rolled back */
        EXPAND,
        /** removes what only the old release needed: runs once the new release is out, and only when asked */
        CONTRACT;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MigrationOptions(boolean transactional, Duration lockTimeout, Duration statementTimeout) {
        this(transactional, lockTimeout, statementTimeout, null);
    }

    public MigrationOptions withTransactional(boolean value) {
        return new MigrationOptions(value, lockTimeout, statementTimeout, phase);
    }

    public MigrationOptions withLockTimeout(Duration value) {
        return new MigrationOptions(transactional, value, statementTimeout, phase);
    }

    public MigrationOptions withStatementTimeout(Duration value) {
        return new MigrationOptions(transactional, lockTimeout, value, phase);
    }

    public MigrationOptions withPhase(Phase value) {
        return new MigrationOptions(transactional, lockTimeout, statementTimeout, value);
    }

    /** A {@code -- bulwark:phase contract} migration: deploy and migrate stop before it unless asked to go on. */
    public boolean contract() {
        return phase == Phase.CONTRACT;
    }
}
