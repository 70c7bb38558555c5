package dev.bulwark.execute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * While a migration statement runs, samples {@code pg_blocking_pids} of its backend from the
 * (otherwise idle) lock connection. A lock timeout's error says nothing about who was in the
 * way; this remembers it, and how long the statement spent waiting for locks.
 *
 * <p>An autovacuum in the way is cancelled at once. PostgreSQL cancels an autovacuum that blocks
 * a lock request itself, but only when the deadlock check runs, {@code deadlock_timeout} (1 s by
 * default) after the request began to wait; meanwhile every write to the table queues behind the
 * migration's request. An autovacuum that runs to prevent wraparound is left alone, as
 * PostgreSQL leaves it.
 */
final class BlockerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockerWatch.class);
    private static final long INTERVAL_MS = 100;

    private final Connection monitor;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> task;
    private volatile List<LockHolder> lastBlockers = List.of();
    private volatile long waitedMs;
    /** What was done about autovacuums in the way, for the migration's output; drained by {@link #autovacuumNotes()}. */
    private final Queue<String> notes = new ConcurrentLinkedQueue<>();
    /** The autovacuums the current statement met: each is cancelled (or reported) once. */
    private final Set<Integer> autovacuumsSeen = ConcurrentHashMap.newKeySet();

    BlockerWatch(Connection monitor) {
        this.monitor = monitor;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bulwark-blocker-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching {@code pid}; forgets what was seen for the previous statement. */
    synchronized void watch(int pid) {
        stop();
        lastBlockers = List.of();
        waitedMs = 0;
        autovacuumsSeen.clear();
        task = timer.scheduleAtFixedRate(() -> sample(pid), INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
            // let a sample in flight finish before anyone else uses the monitor connection
            try {
                timer.submit(() -> { }).get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the watch is best effort
            }
        }
    }

    List<LockHolder> lastBlockers() {
        return lastBlockers;
    }

    long waitedMs() {
        return waitedMs;
    }

    private void sample(int pid) {
        try (PreparedStatement ps = monitor.prepareStatement(
                "SELECT a.pid, a.usename, a.application_name, host(a.client_addr), coalesce(a.xact_start, a.backend_start),"
                        + " a.state, a.query, a.backend_type FROM pg_catalog.pg_stat_activity a"
                        + " WHERE a.pid = ANY(pg_catalog.pg_blocking_pids(?)) ORDER BY a.pid")) {
            ps.setInt(1, pid);
            List<LockHolder> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new LockHolder(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7)));
                    if ("autovacuum worker".equals(rs.getString(8))) {
                        autovacuumInTheWay(rs.getInt(1), rs.getString(7));
                    }
                }
            }
            if (!found.isEmpty()) {
                lastBlockers = List.copyOf(found);
                waitedMs += INTERVAL_MS;
            }
        } catch (SQLException e) {
            LOG.debug("blocker sample failed: {}", e.getMessage());
        }
    }

    /** Cancels an autovacuum that holds up the statement's lock, once per autovacuum; wraparound ones are left. */
    private void autovacuumInTheWay(int pid, String query) {
        String what = query == null || query.isBlank() ? "autovacuum" : query.trim();
        if (!autovacuumsSeen.add(pid)) {
            return;
        }
        if (what.contains("to prevent wraparound")) {
            notes.add("waiting for " + what + " (pid " + pid + "), which runs to prevent wraparound: it is not cancelled");
            return;
        }
        if (!what.startsWith("autovacuum:")) {
            // its query is hidden (no pg_read_all_stats, track_activities off) or cut: it may be a wraparound one
            notes.add("waiting for an autovacuum (pid " + pid + ") whose query this user cannot read, so it may run to prevent"
                    + " wraparound: it is not cancelled; PostgreSQL cancels an ordinary one after deadlock_timeout");
            return;
        }
        try (PreparedStatement ps = monitor.prepareStatement("SELECT pg_catalog.pg_cancel_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                notes.add((rs.getBoolean(1) ? "cancelled " : "tried to cancel ") + what + " (pid " + pid + "), which held up this"
                        + " statement's lock while the application's writes queued behind it (PostgreSQL would have cancelled it"
                        + " after deadlock_timeout); autovacuum comes back to the table later");
            }
        } catch (SQLException e) {
            notes.add(what + " (pid " + pid + ") holds up this statement's lock and could not be cancelled (" + e.getMessage()
                    + "): PostgreSQL cancels it after deadlock_timeout (1 s by default); a superuser may cancel an autovacuum"
                    + " (on PostgreSQL 18+, a member of pg_signal_autovacuum_worker)");
        }
    }

    /** What was done about autovacuums in the way since the last call. */
    List<String> autovacuumNotes() {
        List<String> out = new ArrayList<>();
        for (String n; (n = notes.poll()) != null; ) {
            out.add(n);
        }
        return out;
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
    }
}
