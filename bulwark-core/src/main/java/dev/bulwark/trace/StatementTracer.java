package dev.bulwark.trace;

import dev.bulwark.sql.Statement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs statements on a scratch database and records what PostgreSQL really did: the relation
 * locks the backend took (read from {@code pg_locks} before the transaction ends), the relations
 * whose storage was rewritten ({@code pg_class.relfilenode} changed) and the tables scanned
 * ({@code pg_stat_xact_user_tables}, which counts within the current transaction). Only relations
 * that existed before the migration count: what a migration creates is invisible to others.
 */
public final class StatementTracer {
    // LEFT JOINs: a relation the statement dropped is gone from pg_class, its lock is not; its name
    // comes from the migration's starting set
    private static final String LOCKS = "SELECT l.relation::bigint, n.nspname, c.relname, c.relkind::text, l.mode "
            + "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation "
            + "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE l.pid = ? AND l.locktype = 'relation' AND l.granted AND l.database = "
            + "(SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
            + "AND (n.nspname IS NULL OR (n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'))";
    private static final String FILENODES = "SELECT c.oid::bigint, c.relfilenode::bigint, n.nspname, c.relname, c.relkind::text "
            + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'm', 'i', 't') AND c.relfilenode <> 0 "
            + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";
    private static final String SCANS = "SELECT relid::bigint, schemaname, relname, coalesce(seq_scan, 0), coalesce(seq_tup_read, 0) "
            + "FROM pg_catalog.pg_stat_xact_user_tables";

    private final Connection connection;
    private final int pid;
    /** oid → {schema, name, relkind} of every relation that existed when the migration started */
    private Map<Long, String[]> existing = Map.of();

    public StatementTracer(Connection connection) throws SQLException {
        this.connection = connection;
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            this.pid = rs.getInt(1);
        }
    }

    public int backendPid() {
        return pid;
    }

    /** Remembers the relations that exist now: the "before the migration" set. */
    public void startMigration() throws SQLException {
        Map<Long, String[]> ids = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(FILENODES.replace("c.relkind IN ('r', 'm', 'i', 't') AND c.relfilenode <> 0",
                "c.relkind IN ('r', 'm', 'i', 't', 'p', 'I', 'S', 'v', 'f')")); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.put(rs.getLong(1), new String[]{rs.getString(3), rs.getString(4), rs.getString(5)});
            }
        }
        existing = ids;
    }

    /** Runs one statement in the connection's current transaction and records what it took, rewrote and scanned. */
    public StatementTrace traceInTransaction(Statement s, int index) {
        try {
            Set<String> locksBefore = lockKeys(locks());
            Map<Long, Long> nodesBefore = filenodes();
            Map<Long, long[]> scansBefore = scans();
            long t0 = System.nanoTime();
            try (java.sql.Statement st = connection.createStatement()) {
                st.setEscapeProcessing(false);
                st.execute(s.sql());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            List<LockTaken> newLocks = new ArrayList<>();
            List<LockTaken> held = new ArrayList<>();
            for (Object[] l : locks()) {
                String[] known = existing.get((Long) l[0]);
                if (known != null) {
                    LockTaken lock = new LockTaken(known[0] + "." + known[1], kind(known[2]), (String) l[4]);
                    held.add(lock);
                    if (!locksBefore.contains(key(l))) {
                        newLocks.add(lock);
                    }
                }
            }
            List<String> rewritten = rewritten(nodesBefore);
            List<ScanObserved> scans = scanDelta(scansBefore);
            return new StatementTrace(s, index, true, true, ms, newLocks, held, rewritten, scans, null, null);
        } catch (SQLException e) {
            return new StatementTrace(s, index, true, true, 0, List.of(), List.of(), List.of(), List.of(), null, message(e));
        }
    }

    /**
     * Runs a statement that cannot run in a transaction. Its locks are gone when it returns, so
     * they are not traced; rewrites are still seen from {@code pg_class}.
     */
    public StatementTrace traceAutocommit(Statement s, int index) {
        try {
            Map<Long, Long> nodesBefore = filenodes();
            long t0 = System.nanoTime();
            try (java.sql.Statement st = connection.createStatement()) {
                st.setEscapeProcessing(false);
                st.execute(s.sql());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return new StatementTrace(s, index, false, false, ms, List.of(), List.of(), rewritten(nodesBefore), List.of(),
                    "ran outside a transaction: PostgreSQL releases its locks before they can be read", null);
        } catch (SQLException e) {
            return new StatementTrace(s, index, false, false, 0, List.of(), List.of(), List.of(), List.of(), null, message(e));
        }
    }

    private List<Object[]> locks() throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(LOCKS)) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Object[]{rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                }
            }
        }
        return out;
    }

    private static Set<String> lockKeys(List<Object[]> locks) {
        Set<String> keys = new HashSet<>();
        for (Object[] l : locks) {
            keys.add(key(l));
        }
        return keys;
    }

    private static String key(Object[] l) {
        return l[0] + "/" + l[4];
    }

    private Map<Long, Long> filenodes() throws SQLException {
        Map<Long, Long> out = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(FILENODES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return out;
    }

    private List<String> rewritten(Map<Long, Long> before) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(FILENODES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Long was = before.get(rs.getLong(1));
                if (was != null && was != rs.getLong(2) && existing.containsKey(rs.getLong(1))) {
                    out.add(rs.getString(3) + "." + rs.getString(4) + ("i".equals(rs.getString(5)) ? " (index)" : ""));
                }
            }
        }
        return new ArrayList<>(out);
    }

    private Map<Long, long[]> scans() throws SQLException {
        Map<Long, long[]> out = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(SCANS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1), new long[]{rs.getLong(4), rs.getLong(5)});
            }
        }
        return out;
    }

    private List<ScanObserved> scanDelta(Map<Long, long[]> before) throws SQLException {
        List<ScanObserved> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SCANS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long[] was = before.getOrDefault(rs.getLong(1), new long[2]);
                long scans = rs.getLong(4) - was[0];
                if (scans > 0 && existing.containsKey(rs.getLong(1))) {
                    out.add(new ScanObserved(rs.getString(2) + "." + rs.getString(3), scans, rs.getLong(5) - was[1]));
                }
            }
        }
        return out;
    }

    private static String kind(String relkind) {
        return switch (relkind) {
            case "r" -> "table";
            case "p" -> "partitioned table";
            case "i", "I" -> "index";
            case "S" -> "sequence";
            case "v" -> "view";
            case "m" -> "materialized view";
            case "f" -> "foreign table";
            default -> relkind;
        };
    }

    static String message(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return m + (e.getSQLState() != null ? " (SQLSTATE " + e.getSQLState() + ")" : "");
    }
}
