package dev.bulwark.execute;

import dev.bulwark.Listener;
import dev.bulwark.Durations;
import dev.bulwark.pg.Masking;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The sessions of one run carry its run id in {@code application_name}:
 * {@code bulwark/<table tag>.<run id>}, where the table tag names the history table (so runs of
 * another project on the same database are never touched) and the run id is random per process.
 *
 * <p>A killed run's connections close with its process, but the server only notices the lost
 * client of a session that is executing when it next checks the socket: the statement may still
 * finish and commit after the kill. So a run that takes over (resume, repair, rollback) first
 * {@link #settle settles} such a backend: waits for it to end, up to a bound, then terminates it,
 * and only then reads the state.
 */
public final class RunSessions {
    private static final String PREFIX = "bulwark/";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunSessions() {
    }

    /** A new run id: 12 hex digits. */
    public static String newRunId() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The application_name of a run's sessions on the history table {@code qualifiedHistoryTable}. */
    public static String applicationName(String qualifiedHistoryTable, String runId) {
        return PREFIX + tag(qualifiedHistoryTable) + "." + runId;
    }

    /** The application_name of a run's lock session (it never executes a migration's statements). */
    public static String lockApplicationName(String qualifiedHistoryTable, String runId) {
        return "bulwark-lock/" + tag(qualifiedHistoryTable) + "." + runId;
    }

    static String tag(String qualifiedHistoryTable) {
        return String.format("%016x", AdvisoryLock.keyFor(qualifiedHistoryTable)).substring(0, 8);
    }

    /** A backend of an earlier run, still executing or inside a transaction. */
    public record Backend(int pid, String applicationName, String state, Instant since, String query) {
        String describe() {
            String q = query == null ? "" : Masking.mask(query).replaceAll("\\s+", " ").trim();
            return "pid " + pid + " (" + applicationName + ", " + state + (since != null ? " since " + since : "") + ": "
                    + (q.length() > 60 ? q.substring(0, 57) + "..." : q) + ")";
        }
    }

    /**
     * Backends of other runs on this history table, in this database, that are not idle: a killed
     * run's statement the server is still executing.
     */
    public static List<Backend> earlierRuns(Connection c, String qualifiedHistoryTable, String ownRunId) throws SQLException {
        List<Backend> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pid, application_name, state, coalesce(query_start, xact_start), query"
                + " FROM pg_catalog.pg_stat_activity WHERE datname = pg_catalog.current_database()"
                + " AND pid <> pg_catalog.pg_backend_pid() AND application_name LIKE ? AND application_name <> ?"
                + " AND state IS DISTINCT FROM 'idle' ORDER BY pid")) {
            ps.setString(1, PREFIX + tag(qualifiedHistoryTable) + ".%");
            ps.setString(2, applicationName(qualifiedHistoryTable, ownRunId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Backend(rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /**
     * Waits up to {@code wait} for the backends of earlier runs to end, then terminates those left
     * and waits for them to be gone. Call it holding the migration lock (so no live run is among
     * them: a live run holds the lock) and before reading history.
     *
     * @return what was done, one line per backend, for the user
     */
    public static List<String> settle(Connection c, String qualifiedHistoryTable, String ownRunId, Duration wait, Listener out) throws SQLException {
        List<String> done = new ArrayList<>();
        List<Backend> left = earlierRuns(c, qualifiedHistoryTable, ownRunId);
        if (left.isEmpty()) {
            return done;
        }
        for (Backend b : left) {
            out.warn("an earlier, killed run's statement is still executing on the server: " + b.describe()
                    + "; waiting up to " + Durations.human(wait) + " for it to end (--lock-wait)");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            sleep(POLL);
            left = earlierRuns(c, qualifiedHistoryTable, ownRunId);
        }
        for (Backend b : left) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
                ps.setInt(1, b.pid());
                ps.execute();
            }
            String line = "terminated the earlier run's backend " + b.describe() + " after waiting " + Durations.human(wait);
            out.warn(line);
            done.add(line);
        }
        // a terminated backend rolls back before it is gone; read nothing until then
        long gone = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!earlierRuns(c, qualifiedHistoryTable, ownRunId).isEmpty() && System.nanoTime() < gone) {
            sleep(POLL);
        }
        return done;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.bulwark.BulwarkException(dev.bulwark.ErrorCode.LOCK_NOT_ACQUIRED,
                    "interrupted while waiting for an earlier run's statement to end", null, e);
        }
    }
}
