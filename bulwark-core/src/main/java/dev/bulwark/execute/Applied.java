package dev.bulwark.execute;

/**
 * One migration (or down) that ran.
 *
 * @param resumedFrom 0-based statement index the run started at (0 unless it resumed)
 */
public record Applied(String id, String description, boolean down, long durationMs, int statements,
                      long rowsAffected, long lockWaitMs, int lockRetries, int resumedFrom) {
}
