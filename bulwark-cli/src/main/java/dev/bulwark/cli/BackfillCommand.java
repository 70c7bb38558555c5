package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.Sizes;
import dev.bulwark.backfill.BackfillOptions;
import dev.bulwark.backfill.BackfillProgress;
import dev.bulwark.backfill.BackfillResult;
import dev.bulwark.backfill.BackfillStatement;
import dev.bulwark.cli.options.TimeoutOptions;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Update a table in short batches, resumable after a kill.",
                "Runs UPDATE <table> SET <set> [WHERE <where>] in batches split by the primary key (one integer column: key"
                        + " ranges; any other key: keyset pagination), each its own transaction under lock_timeout, committed"
                        + " with its progress in bulwark_backfill. The batch size adapts to --target-batch. The run pauses while"
                        + " a standby lags more than --max-lag, while --throttle-query returns true, and after a lock timeout"
                        + " (the batch is retried smaller); every pause is logged with its reason. Run the same command again after"
                        + " Ctrl-C, kill -9 or a lost connection: it resumes after the last committed batch, no row updated twice."
                        + " Migrations get the same with a '-- bulwark:backfill' line before the UPDATE. See docs/backfill.md."})
final class BackfillCommand extends DatabaseCommand {
    @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table to update: orders, or billing.orders.")
    String table;

    @Option(names = "--set", required = true, paramLabel = "SQL", description = "The SET list: \"amount_new = amount\".")
    String set;

    @Option(names = "--where", paramLabel = "SQL", description = "Update only the rows where this holds: \"amount_new IS NULL\".")
    String where;

    @Option(names = "--target-batch", paramLabel = "DURATION", defaultValue = "200ms",
            description = "The batch duration the batch size adapts towards (default ${DEFAULT-VALUE}).")
    String targetBatch;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Rows (integer keys: keys) in the first batch (default ${DEFAULT-VALUE}); later batches adapt.")
    long batchSize;

    @Option(names = "--max-lag", paramLabel = "LIMIT",
            description = "Pause while any standby (pg_stat_replication, physical or logical) replays more than this behind: a"
                    + " duration (10s) or a WAL size (64MB); give it twice for both, 'off' for none (default 10s and 64MB)."
                    + " The size also counts the WAL the next batch is expected to write, within three quarters of the limit.")
    List<String> maxLag = new ArrayList<>();

    @Option(names = "--throttle-query", paramLabel = "SQL",
            description = "A query run before each batch; while its first column is true, the run pauses.")
    String throttleQuery;

    @Option(names = "--max-rows-per-second", paramLabel = "N", defaultValue = "0",
            description = "Cap on the rate (default: none).")
    long maxRowsPerSecond;

    @Option(names = "--dry-run", description = "Print the batches it would run; change nothing.")
    boolean dryRun;

    @Option(names = "--restart", description = "Run a backfill that is recorded as done (or interrupted) again, from the start.")
    boolean restart;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "bar (a progress bar on the terminal), lines (plain lines), or auto (bar on a terminal).")
    String progress;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    TimeoutOptions timeouts() {
        return timeoutOptions;
    }

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    /**
     * The pacing options. Each --max-lag value replaces the default of its kind (duration or size), the other kind
     * keeps its default; 'off' drops both defaults.
     */
    BackfillOptions options() {
        boolean off = maxLag.stream().anyMatch(v -> v.trim().equalsIgnoreCase("off"));
        Duration lag = off ? null : BackfillOptions.DEFAULT_MAX_LAG;
        long lagBytes = off ? 0 : BackfillOptions.DEFAULT_MAX_LAG_BYTES;
        for (String v : maxLag) {
            if (v.trim().equalsIgnoreCase("off")) {
                continue;
            }
            long size = Sizes.parse(v);
            if (size >= 0) {
                lagBytes = size;
            } else {
                try {
                    lag = Durations.parse(v, "--max-lag");
                } catch (BulwarkException e) {
                    throw BulwarkException.usage("--max-lag '" + v + "' is neither a duration nor a size",
                            "write --max-lag 10s, --max-lag 64MB, both (the option twice), or --max-lag off");
                }
            }
        }
        if (batchSize < 1) {
            throw BulwarkException.usage("--batch-size must be at least 1, was " + batchSize, "give a positive number");
        }
        if (maxRowsPerSecond < 0) {
            throw BulwarkException.usage("--max-rows-per-second must not be negative", "give a positive number, or leave it out");
        }
        Duration target = Durations.parse(targetBatch, "--target-batch");
        if (target.isZero() || target.isNegative()) {
            throw BulwarkException.usage("--target-batch must be positive, was " + targetBatch, "write --target-batch 200ms");
        }
        if (throttleQuery != null && throttleQuery.isBlank()) {
            throw BulwarkException.usage("--throttle-query is empty", "give a query returning a boolean, or leave it out");
        }
        return new BackfillOptions(target, batchSize, lag, lagBytes, throttleQuery, maxRowsPerSecond,
                config().lockRetryBudget(), Duration.ofSeconds(1), dryRun, restart);
    }

    @Override
    int run(Bulwark b) {
        BackfillStatement statement = BackfillStatement.of(table, set, where);
        BackfillOptions options = options();
        boolean json = output.json();
        PrintWriter lines = json ? err() : out();
        boolean bar = switch (progress.toLowerCase(Locale.ROOT)) {
            case "bar" -> true;
            case "lines" -> false;
            case "auto" -> System.console() != null;
            default -> throw BulwarkException.usage("--progress " + progress + " is not a progress mode", "use auto, bar or lines");
        };
        BackfillResult r;
        try (Progress p = new Progress(lines, bar && !dryRun ? System.err : null)) {
            r = b.backfill(statement, options, p);
        }
        if (json) {
            Json.print(out(), Json.obj("database", b.targetDescription(), "table", r.table(), "job", r.job(), "mode", r.mode(),
                    "key", r.key(), "dryRun", r.dryRun(), "alreadyDone", r.alreadyDone(), "resumed", r.resumed(),
                    "rows", r.rows(), "totalRows", r.totalRows(), "batches", r.batches(), "pauses", r.pauses(),
                    "pauseMs", r.pauseMs(), "lockRetries", r.lockRetries(), "longestBatchMs", r.longestBatchMs(),
                    "durationMs", r.durationMs(), "plannedBatches", r.plannedBatches()));
        } else if (r.dryRun()) {
            r.plannedBatches().forEach(out()::println);
        }
        return ExitCodes.OK;
    }

    /** A progress bar (rows/s, ETA) on a terminal; otherwise a plain line every {@link CopyProgress#LINE_INTERVAL}. */
    private static final class Progress implements BackfillProgress, AutoCloseable {
        private static final long SCALE = 10_000;
        private final PrintWriter lines;
        private final java.io.PrintStream terminal;
        private ProgressBar bar;
        private long lastLine = System.nanoTime();
        private final long start = System.nanoTime();

        Progress(PrintWriter lines, java.io.PrintStream terminal) {
            this.lines = lines;
            this.terminal = terminal;
        }

        @Override
        public synchronized void batch(long rowsDone, double fraction, long rowsPerSec, long batchSize) {
            if (terminal != null) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("backfill").setInitialMax(SCALE).setUnit("%", SCALE / 100)
                            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(500)
                            .hideEta().setConsumer(new ConsoleProgressBarConsumer(terminal)).build();
                }
                if (fraction >= 0) {
                    bar.stepTo((long) (fraction * SCALE));
                }
                bar.setExtraMessage(" " + CopyProgress.count(rowsDone) + " rows, " + CopyProgress.count(rowsPerSec) + " rows/s, ETA "
                        + eta(fraction) + ", batch " + batchSize);
                return;
            }
            if (System.nanoTime() - lastLine > CopyProgress.LINE_INTERVAL.toNanos() || fraction >= 1.0) {
                lastLine = System.nanoTime();
                lines.println("  progress: " + CopyProgress.count(rowsDone) + " rows" + (fraction >= 0 ? " (" + (long) (fraction * 100) + "%)" : "")
                        + ", " + CopyProgress.count(rowsPerSec) + " rows/s, ETA " + eta(fraction) + ", next batch " + batchSize);
                lines.flush();
            }
        }

        private String eta(double fraction) {
            if (fraction <= 0 || fraction >= 1) {
                return fraction >= 1 ? "0:00" : "?";
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return CopyProgress.formatSeconds((long) (seconds * (1 - fraction) / fraction));
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
