package dev.bulwark;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff inside a total budget: 250 ms, 500 ms, 1 s … capped at 30 s,
 * each sleep drawn between half and all of the step so that competing runs spread out.
 */
public final class Backoff {
    private static final long FIRST_MS = 250;
    private static final long CAP_MS = 30_000;

    private final long budgetMs;
    private final long startNanos = System.nanoTime();
    private int attempt;

    public Backoff(Duration budget) {
        this.budgetMs = budget.toMillis();
    }

    /** The next sleep, or -1 when it would overrun the budget. */
    public long nextSleepMs() {
        long step = Math.min(CAP_MS, FIRST_MS << Math.min(attempt, 20));
        attempt++;
        long sleep = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
        return elapsedMs() + sleep > budgetMs ? -1 : sleep;
    }

    public int attempts() {
        return attempt;
    }

    public long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
