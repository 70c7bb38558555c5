package dev.bulwark.cli.options;

import picocli.CommandLine.Option;

/** How long statements may wait for locks, and how long to keep retrying. Only on commands that run statements. */
public final class TimeoutOptions {
    @Option(names = "--lock-timeout", paramLabel = "DURATION",
            description = "lock_timeout for every statement (default 2s). A statement that waits longer is retried.")
    public String lockTimeout;

    @Option(names = "--statement-timeout", paramLabel = "DURATION",
            description = "statement_timeout for every statement (default 0: none).")
    public String statementTimeout;

    @Option(names = "--lock-retry-budget", paramLabel = "DURATION",
            description = "Total time to keep retrying statements that hit the lock timeout (default 5min).")
    public String lockRetryBudget;

    @Option(names = "--lock-wait", paramLabel = "DURATION",
            description = "How long to wait for another run's migration lock (default 60s).")
    public String lockWait;
}
