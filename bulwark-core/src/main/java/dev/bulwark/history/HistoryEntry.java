package dev.bulwark.history;

import java.time.Instant;

/**
 * One row of {@code bulwark_history}. Rows are appended, never rewritten except for the row of
 * the migration that is running: the latest row for a version says its state.
 *
 * @param id           insertion order
 * @param version      migration version (for repeatables: the description)
 * @param kind         what the row records ({@link Kind})
 * @param status       outcome ({@link Status})
 * @param resumeFrom   for a failed or interrupted non-transactional migration, the 0-based index
 *                     of the statement the next run starts from; otherwise null
 */
public record HistoryEntry(
        long id,
        String version,
        String description,
        Kind kind,
        String upSha256,
        String downSha256,
        String appliedBy,
        String host,
        Instant startedAt,
        Long durationMs,
        Integer statements,
        Long rowsAffected,
        Long lockWaitMs,
        Status status,
        Integer resumeFrom,
        String error) {

    /** What a history row records. */
    public enum Kind {
        /** the up of a versioned migration */
        VERSIONED,
        /** a repeatable migration (re)applied */
        REPEATABLE,
        /** the down of a migration: the version is no longer applied when it succeeded */
        DOWN,
        /** {@code baseline}: the database was adopted at this version, nothing was run */
        BASELINE;

        public String dbValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromDb(String v) {
            return valueOf(v.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** The outcome a row records. */
    public enum Status {
        /** a non-transactional migration in progress, or one whose run was killed */
        RUNNING,
        SUCCESS,
        /** failed with part of it applied (non-transactional); {@code resumeFrom} says where to continue */
        FAILED,
        /**
         * a failed entry a human marked resolved with {@code bulwark repair}: the next run starts it again, at
         * {@code resumeFrom} when part of it stays applied
         */
        REPAIRED,
        /** a run that was killed part way, and which a later run resumed (that run has its own row) */
        INTERRUPTED;

        public String dbValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status fromDb(String v) {
            return valueOf(v.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
