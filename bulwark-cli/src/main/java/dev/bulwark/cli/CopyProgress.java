package dev.bulwark.cli;

import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.CopyListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a copy's progress: on a terminal one progress bar (rows of all tables, rate, ETA) with
 * the tables in flight beside it; otherwise plain lines, one per finished table and one every
 * {@link #LINE_INTERVAL} overall, so logs of a long copy show it moving.
 */
final class CopyProgress implements CopyListener, AutoCloseable {
    static final Duration LINE_INTERVAL = Duration.ofSeconds(10);

    private record Table(long expectedRows, AtomicLong rows, AtomicLong bytes, AtomicLong startedNanos) {
        /** {@code public.events 45% ETA 0:31} */
        String describe(TableRef ref) {
            long r = rows.get();
            double seconds = (System.nanoTime() - startedNanos.get()) / 1e9;
            String eta = r == 0 || expectedRows <= r ? "" : " ETA " + formatSeconds((long) ((expectedRows - r) * seconds / r));
            return ref + " " + percent(r, expectedRows) + eta;
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final PrintStream terminal;
    private final Map<TableRef, Table> tables = new ConcurrentHashMap<>();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long expectedRows;
    private volatile int tableCount;
    private final AtomicLong tablesDone = new AtomicLong();
    private final long start = System.nanoTime();
    private long lastLine = System.nanoTime();
    private ProgressBar bar;

    /** @param terminal where to draw a bar, or null for plain lines on {@code out} */
    CopyProgress(PrintWriter out, PrintWriter err, PrintStream terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void step(String line) {
        if (bar == null) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void warn(String line) {
        err.println("warning: " + line);
        err.flush();
    }

    @Override
    public synchronized void planned(List<TablePlan> plans) {
        long total = 0;
        for (TablePlan p : plans) {
            total += p.rowEstimate();
            tables.put(p.table(), new Table(p.rowEstimate(), new AtomicLong(), new AtomicLong(), new AtomicLong()));
        }
        expectedRows = Math.max(total, 1);
        tableCount = plans.size();
        out.println("data: " + plans.size() + " tables, about " + count(total) + " rows");
        out.flush();
        if (terminal != null) {
            bar = new ProgressBarBuilder().setTaskName("copy").setInitialMax(expectedRows).setUnit(" rows", 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).showSpeed(new java.text.DecimalFormat("#,##0"))
                    .setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(terminal)).build();
        }
    }

    @Override
    public void progress(TableRef table, long r, long b) {
        Table t = tables.computeIfAbsent(table, k -> new Table(0, new AtomicLong(), new AtomicLong(), new AtomicLong()));
        t.startedNanos().compareAndSet(0, System.nanoTime());
        t.rows().addAndGet(r);
        t.bytes().addAndGet(b);
        long all = rows.addAndGet(r);
        bytes.addAndGet(b);
        synchronized (this) {
            if (bar != null) {
                if (all > bar.getMax()) {
                    bar.maxHint(all); // estimates are estimates
                }
                bar.stepTo(all);
                bar.setExtraMessage(" " + mb(bytes.get()) + " · " + t.describe(table));
            } else if (System.nanoTime() - lastLine > LINE_INTERVAL.toNanos()) {
                lastLine = System.nanoTime();
                out.println("progress: " + overall() + "; now " + t.describe(table));
                out.flush();
            }
        }
    }

    @Override
    public synchronized void tableCopied(TableRef table, long r, long b, Duration took) {
        long done = tablesDone.incrementAndGet();
        if (bar != null && done == tableCount) {
            close(); // the steps after the data print as lines again
        }
        if (bar == null) {
            double seconds = Math.max(took.toMillis(), 1) / 1000.0;
            out.println(String.format(Locale.ROOT, "copied %s: %s rows, %s in %.1f s (%s/s) [%d/%d tables; %s]", table, count(r),
                    mb(b), seconds, mb((long) (b / seconds)), done, tableCount, overall()));
            out.flush();
        }
    }

    private String overall() {
        double seconds = Math.max(System.nanoTime() - start, 1) / 1e9;
        long r = rows.get();
        double rate = r / seconds;
        long left = Math.max(expectedRows - r, 0);
        String eta = rate <= 0 ? "?" : formatSeconds((long) (left / rate));
        return percent(r, expectedRows) + " of rows, " + mb(bytes.get()) + ", " + mb((long) (bytes.get() / seconds)) + "/s, ETA " + eta;
    }

    static String percent(long part, long whole) {
        return whole <= 0 ? "?%" : Math.min(100, part * 100 / whole) + "%";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String formatSeconds(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.stepTo(rows.get());
            bar.maxHint(rows.get());
            bar.close();
            bar = null;
        }
    }
}
