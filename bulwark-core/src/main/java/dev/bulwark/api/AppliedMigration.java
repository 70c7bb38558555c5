package dev.bulwark.api;

import java.time.Duration;

/**
 * One migration (or its down) that ran.
 *
 * @param down        true for a rollback step
 * @param lockWait    time spent waiting for locks
 * @param lockRetries statements retried after hitting the lock timeout
 */
public record AppliedMigration(String id, String description, boolean down, Duration duration, int statements,
                               long rowsAffected, Duration lockWait, int lockRetries) {
}
