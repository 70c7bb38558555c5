package dev.bulwark.backfill;

import java.time.Duration;

/**
 * How a backfill paces itself.
 *
 * @param targetBatch      the batch duration the batch size adapts towards (default 200 ms)
 * @param firstBatchRows   rows (or keys, for integer ranges) of the first batch
 * @param maxLag           pause while any standby replays more than this behind (default 10 s); null: no time limit
 * @param maxLagBytes      pause while any standby is more than this many bytes of WAL behind (default 64 MB); 0: no limit
 * @param throttleQuery    a query whose first column, while true, pauses the run; or null
 * @param maxRowsPerSecond cap on the rate; 0 for none
 * @param lockRetryBudget  how long one batch may keep retrying after lock timeouts before the run gives up
 * @param pollInterval     how often a pause re-checks its reason
 * @param dryRun           print the batches, change nothing
 * @param restart          run a backfill that is recorded as done once more, from the start
 */
public record BackfillOptions(Duration targetBatch, long firstBatchRows, Duration maxLag, long maxLagBytes, String throttleQuery,
                              long maxRowsPerSecond, Duration lockRetryBudget, Duration pollInterval, boolean dryRun, boolean restart) {
    public static final Duration DEFAULT_TARGET = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(10);
    public static final long DEFAULT_MAX_LAG_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_FIRST_BATCH = 1000;

    public static BackfillOptions defaults(Duration lockRetryBudget) {
        return new BackfillOptions(DEFAULT_TARGET, DEFAULT_FIRST_BATCH, DEFAULT_MAX_LAG, DEFAULT_MAX_LAG_BYTES, null, 0,
                lockRetryBudget, Duration.ofSeconds(1), false, false);
    }

    public BackfillOptions withDryRun(boolean value) {
        return new BackfillOptions(targetBatch, firstBatchRows, maxLag, maxLagBytes, throttleQuery, maxRowsPerSecond,
                lockRetryBudget, pollInterval, value, restart);
    }
}
