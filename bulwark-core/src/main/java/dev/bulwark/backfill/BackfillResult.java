package dev.bulwark.backfill;

import java.util.List;

/**
 * What a backfill did (or, in a dry run, would do).
 *
 * @param job            the backfill's key in the state table
 * @param table          the table, as SQL
 * @param mode           {@code range} (one integer key column, split by key ranges) or {@code keyset} (any other primary key)
 * @param key            the primary key's columns
 * @param rows           rows updated by this run
 * @param totalRows      rows updated by every run of this backfill (a resumed one counts the earlier runs)
 * @param batches        batches committed by this run
 * @param pauses         pauses of this run (lag, throttle query, lock waits)
 * @param pauseMs        time spent paused
 * @param lockRetries    batches rolled back after a lock timeout and retried smaller
 * @param longestBatchMs the longest batch transaction: the longest any row lock of this run was held
 * @param durationMs     the run's wall time
 * @param resumed        the run continued an interrupted one
 * @param alreadyDone    the backfill was recorded as done before this run: nothing ran
 * @param dryRun         the batches were only printed
 * @param plannedBatches a dry run's batches, as SQL (possibly cut short)
 */
public record BackfillResult(String job, String table, String mode, List<String> key, long rows, long totalRows, long batches,
                             long pauses, long pauseMs, long lockRetries, long longestBatchMs, long durationMs,
                             boolean resumed, boolean alreadyDone, boolean dryRun, List<String> plannedBatches) {
    public BackfillResult {
        key = List.copyOf(key);
        plannedBatches = List.copyOf(plannedBatches);
    }
}
