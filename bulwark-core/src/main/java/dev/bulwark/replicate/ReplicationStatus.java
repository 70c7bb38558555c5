package dev.bulwark.replicate;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Masking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a blue-green pair is, read from both sides: the state, what the stage means and what to run next, each
 * table's sync state (pg_subscription_rel), the lag in bytes (pg_replication_slots) and seconds
 * (pg_stat_replication.replay_lag), the WAL the slot holds back, and which side is read-only.
 *
 * @param state        the pair's state, or null when these databases are no pair
 * @param explanation  what the stage means, in a sentence or two, and what to run
 * @param tables       per replicated table: its sync state on the following side
 * @param lagBytes     WAL of the primary the other side has not confirmed, or null without a slot (or on a standby)
 * @param lagSeconds   the publisher's replay lag, 0 when nothing is pending, or null when unknown
 * @param retainedBytes WAL the slot keeps on the primary (from its restart_lsn), or null without a slot
 * @param slotActive   whether a walsender streams from the slot, or null without a slot
 * @param applyRunning whether the subscription's apply worker runs
 * @param rowsPerSecond rows applied per second on the following side over a one-second sample, or null
 */
public record ReplicationStatus(ReplicationState state, String explanation, List<TableState> tables, Long lagBytes,
                                Double lagSeconds, Long retainedBytes, Boolean slotActive, Boolean applyRunning,
                                boolean blueReadOnly, boolean greenReadOnly, Double rowsPerSecond) {
    public record TableState(String table, String state) {
    }

    static String tableState(String code) {
        return switch (code) {
            case "i" -> "initializing";
            case "d" -> "copying data";
            case "f" -> "copy finished";
            case "s" -> "synchronized";
            case "r" -> "ready";
            default -> code;
        };
    }

    /** Reads the pair's status; {@code sampleRate} spends a second to measure rows applied per second. */
    public static ReplicationStatus read(ConnectionSpec blue, ConnectionSpec green, boolean sampleRate) {
        try (Connection b = Replicator.open(blue); Connection g = Replicator.open(green)) {
            // a switch may move the stage while we read: the slot, tables and fences are taken as of one state,
            // the state is read again after them and all is read again when it moved
            for (int attempt = 1; ; attempt++) {
                ReplicationState st = Replicator.state(b, g).orElse(null);
                ReplicationStatus s = read(b, g, st, sampleRate);
                ReplicationState after = Replicator.state(b, g).orElse(null);
                if (java.util.Objects.equals(st, after) || attempt == 5) {
                    return s;
                }
            }
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "replicate status (" + blue.masked() + ", " + green.masked()
                    + ") failed: " + Masking.mask(String.valueOf(e.getMessage())), "check both databases are reachable", e);
        }
    }

    private static ReplicationStatus read(Connection b, Connection g, ReplicationState st, boolean sampleRate) throws SQLException {
        boolean bro = Replicator.fenced(b);
        boolean gro = Replicator.fenced(g);
        if (st == null) {
            return new ReplicationStatus(null, "no replication pair on these databases (none started, or stopped)",
                    List.of(), null, null, null, null, null, bro, gro, null);
        }
        Connection pub = "blue".equals(st.primary()) ? b : g;
        Connection sub = "blue".equals(st.primary()) ? g : b;
        List<TableState> tables = new ArrayList<>();
        try (PreparedStatement ps = sub.prepareStatement("SELECT sr.srrelid::regclass::text, sr.srsubstate"
                + " FROM pg_catalog.pg_subscription_rel sr JOIN pg_catalog.pg_subscription s ON s.oid = sr.srsubid"
                + " WHERE s.subname = ? ORDER BY 1")) {
            ps.setString(1, Replicator.SUBSCRIPTION);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableState(rs.getString(1).replace("\"", ""), tableState(rs.getString(2))));
                }
            }
        }
        ReplicationSlot slot = ReplicationSlot.read(pub).orElse(null);
        Long lag = slot == null ? null : slot.lagBytes();
        Long retained = slot == null ? null : slot.retainedBytes();
        Boolean active = slot == null ? null : slot.active();
        Double seconds = null;
        try (PreparedStatement ps = pub.prepareStatement("SELECT extract(epoch FROM replay_lag)::float8"
                + " FROM pg_catalog.pg_stat_replication WHERE application_name = ?")) {
            ps.setString(1, Replicator.SUBSCRIPTION);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    double v = rs.getDouble(1);
                    // replay_lag is NULL once the subscriber has nothing pending, and before its first reply
                    seconds = !rs.wasNull() ? Double.valueOf(v) : lag != null && lag == 0 ? Double.valueOf(0.0) : null;
                }
            }
        }
        Boolean apply = null;
        try (PreparedStatement ps = sub.prepareStatement("SELECT pid IS NOT NULL FROM pg_catalog.pg_stat_subscription"
                + " WHERE subname = ? AND relid IS NULL")) {
            ps.setString(1, Replicator.SUBSCRIPTION);
            try (ResultSet rs = ps.executeQuery()) {
                apply = rs.next() ? rs.getBoolean(1) : null;
            }
        }
        Double rate = null;
        if (sampleRate && apply != null) {
            long n0 = applied(sub, st.tables());
            long t0 = System.nanoTime();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long n1 = applied(sub, st.tables());
            rate = (n1 - n0) / ((System.nanoTime() - t0) / 1e9);
        }
        return new ReplicationStatus(st, explain(st, apply, slot != null), tables, lag, seconds, retained, active, apply, bro, gro, rate);
    }

    /** Rows inserted, updated and deleted in the replicated tables, as the statistics collector counts them. */
    private static long applied(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_stat_clear_snapshot()")) {
            rs.next();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint"
                + " FROM pg_catalog.pg_stat_user_tables WHERE relid = ANY (SELECT pg_catalog.to_regclass(x) FROM unnest(?::text[]) x)")) {
            ps.setArray(1, c.createArrayOf("text", tables.stream().map(t -> Replicator.ref(t).sql()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String explain(ReplicationState st, Boolean apply, boolean slot) {
        String p = st.primary();
        String o = st.standby();
        return switch (st.stage()) {
            case STARTING -> "the start was interrupted (" + st.detail() + "): run the same replicate start again to finish it,"
                    + " or replicate stop to remove what it created";
            case REPLICATING -> (apply == null ? "REPLICATION IS BROKEN: no subscription on " + o + "; run replicate stop and start again"
                    : !slot ? "REPLICATION IS BROKEN: no replication slot " + Replicator.SUBSCRIPTION + " on " + p + " (dropped by hand?);"
                    + " run replicate stop and start again"
                    : p + " is the primary and writable; " + o + " follows it and is read-only for new sessions"
                    + (Boolean.FALSE.equals(apply) ? " (the apply worker is not running: see " + o + "'s server log)" : "")
                    + ("blue".equals(p) ? "; replicate switchover moves the primary to green" : "; replicate rollback moves it back to blue"));
            case FENCING, SWITCHING -> "a switch from " + p + " to " + o + " was interrupted at stage " + st.stage().label()
                    + ": " + p + " may be fenced and " + o + " is read-only, so no side may take writes."
                    + " Run the same command again (replicate " + ("blue".equals(p) ? "switchover" : "rollback") + ") to finish"
                    + " it, or replicate " + ("blue".equals(p) ? "rollback" : "switchover") + " to undo it and open " + p + " again";
            case REVERSING -> "a switch from " + p + " to " + o + " passed its point of no return and was interrupted while"
                    + " turning replication around: " + p + " is fenced. Run replicate " + ("blue".equals(p) ? "switchover" : "rollback")
                    + " again to finish it and open " + o;
        };
    }
}
