package dev.bulwark.copy;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.ConnectionSpec;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * N workers, each with a source connection inside the one exported snapshot and a target
 * connection, taking tasks from a shared priority queue. Tasks may enqueue further tasks (a
 * table's indexes once its rows are in); a run ends when none is queued or running.
 */
final class Workers implements AutoCloseable {
    /** What pg_export_snapshot() (or a replication slot) names a snapshot: checked before it is put into SQL. */
    static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-Fa-f-]+");
    /** Settings that change how values print as text: the same on both sides, so text COPY round-trips. */
    static final String PINNED = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres';"
            + " SET extra_float_digits = 3; SET bytea_output = 'hex'; SET statement_timeout = 0;"
            + " SET idle_in_transaction_session_timeout = 0";
    /**
     * On the source, also: fail rather than silently copy only the rows a row-level security
     * policy shows (as pg_dump does).
     */
    static final String SOURCE_SETUP = PINNED + "; SET row_security = off";
    /**
     * On copying workers, also: read a key range by index, never by scanning the whole table
     * once per range (what the planner picks when a range is a large fraction of the table).
     */
    static final String WORKER_SOURCE_SETUP = SOURCE_SETUP + "; SET enable_seqscan = off";

    /** One worker's connections. */
    static final class Worker {
        final int number;
        final Connection source;
        final Connection target;
        final CopyManager sourceCopy;
        final PGConnection targetPg;

        Worker(int number, Connection source, Connection target) throws SQLException {
            this.number = number;
            this.source = source;
            this.target = target;
            this.sourceCopy = source.unwrap(PGConnection.class).getCopyAPI();
            this.targetPg = target.unwrap(PGConnection.class);
        }
    }

    /** @param priority lower runs first; {@code order} breaks ties (lower first) */
    record Task(int priority, long order, String name, Body body) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Integer.compare(priority, o.priority);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    interface Body {
        void run(Worker w) throws Exception;
    }

    private final List<Worker> workers = new ArrayList<>();
    private final PriorityBlockingQueue<Task> queue = new PriorityBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param targetSetup statements run once on each target connection (session settings), or null
     */
    Workers(int jobs, ConnectionSpec source, String snapshot, ConnectionSpec target, String targetSetup) {
        if (!SNAPSHOT_ID.matcher(snapshot).matches()) {
            throw new IllegalArgumentException("not a snapshot id: " + snapshot);
        }
        try {
            for (int i = 1; i <= jobs; i++) {
                Connection s = source.open("bulwark-copy-" + i);
                Connection t;
                try {
                    t = target.open("bulwark-copy-" + i);
                } catch (RuntimeException e) {
                    s.close();
                    throw e;
                }
                try {
                    try (Statement st = s.createStatement()) {
                        st.execute(WORKER_SOURCE_SETUP);
                    }
                    s.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    s.setAutoCommit(false);
                    try (Statement st = s.createStatement()) {
                        // must be the transaction's first statement: every worker then sees exactly the holder's snapshot
                        st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                    }
                    try (Statement st = t.createStatement()) {
                        st.execute(PINNED);
                        // a commit lost in a crash loses its state row with it, and --resume redoes that step
                        st.execute("SET synchronous_commit = off");
                        // index builds sort in memory rather than on disk (pgcopydb uses more); never lowers a larger setting
                        st.execute("SELECT pg_catalog.set_config('maintenance_work_mem', (GREATEST(pg_catalog.pg_size_bytes("
                                + "pg_catalog.current_setting('maintenance_work_mem')), 256 * 1024 * 1024) / 1024)::text || 'kB', false)");
                        if (targetSetup != null && !targetSetup.isBlank()) {
                            st.execute(targetSetup);
                        }
                    }
                    t.setAutoCommit(false);
                    workers.add(new Worker(i, s, t));
                } catch (SQLException | RuntimeException e) {
                    s.close();
                    t.close();
                    throw e;
                }
            }
        } catch (SQLException e) {
            close();
            throw new BulwarkException(ErrorCode.DATABASE, "cannot start copy worker: " + Copier.oneLine(e.getMessage()),
                    "check the connection limits of both servers (each job holds one connection to each)", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    List<Worker> all() {
        return workers;
    }

    void submit(int priority, long order, String name, Body body) {
        outstanding.incrementAndGet();
        queue.add(new Task(priority, order, name, body));
    }

    void submit(int priority, String name, Body body) {
        submit(priority, sequence.incrementAndGet(), name, body);
    }

    /** Runs queued tasks (and those they queue) until none is left; rethrows the first failure. */
    void runAll() {
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(() -> loop(w), "bulwark-copy-" + w.number);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, e);
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            queue.clear();
            outstanding.set(0);
            failure.set(null);
            if (f instanceof BulwarkException b) {
                throw b;
            }
            throw new BulwarkException(ErrorCode.DATABASE, f.getMessage() == null ? f.toString() : f.getMessage(),
                    "fix the cause and rerun with --resume", f);
        }
    }

    private void loop(Worker w) {
        while (failure.get() == null) {
            Task task;
            try {
                task = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                failure.compareAndSet(null, e);
                return;
            }
            if (task == null) {
                if (outstanding.get() == 0) {
                    return;
                }
                continue;
            }
            try {
                task.body().run(w);
            } catch (Throwable e) {
                try {
                    w.target.rollback();
                } catch (SQLException ignored) {
                    // the connection may be the thing that failed
                }
                failure.compareAndSet(null, e);
            } finally {
                outstanding.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            for (Connection c : List.of(w.source, w.target)) {
                try {
                    if (!c.isClosed() && !c.getAutoCommit()) {
                        c.rollback();
                    }
                } catch (SQLException ignored) {
                    // closing anyway
                }
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // nothing left to do with it
                }
            }
        }
        workers.clear();
    }
}
