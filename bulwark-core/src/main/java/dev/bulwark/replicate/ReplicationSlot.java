package dev.bulwark.replicate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The replication slot of {@code bulwark replicate} on one server, as {@code pg_replication_slots} shows it. Read with
 * {@link #read}: empty when there is none; a failure to read is an {@link SQLException}, never "no slot", so a
 * status cannot claim that nothing retains WAL, nor a switch that there is nothing to wait for, because a query failed.
 *
 * @param active        whether a walsender streams from it
 * @param database      the database it decodes
 * @param lagBytes      WAL of this server the subscriber has not confirmed (from confirmed_flush_lsn), or null on a standby
 * @param retainedBytes WAL the slot keeps on this server (from restart_lsn), or null on a standby
 */
public record ReplicationSlot(boolean active, String database, Long lagBytes, Long retainedBytes) {
    /** Our slot on this server, or empty without one. */
    public static Optional<ReplicationSlot> read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT active, database, CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL"
                + " ELSE pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), confirmed_flush_lsn)::bigint END,"
                + " CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL"
                + " ELSE pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint END"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, Replicator.SUBSCRIPTION);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                boolean active = rs.getBoolean(1);
                String db = rs.getString(2);
                long lag = rs.getLong(3);
                Long lagBytes = rs.wasNull() ? null : Math.max(0, lag);
                long held = rs.getLong(4);
                Long retained = rs.wasNull() ? null : Math.max(0, held);
                return Optional.of(new ReplicationSlot(active, db, lagBytes, retained));
            }
        }
    }

    private String what() {
        return "replication slot " + Replicator.SUBSCRIPTION + " of bulwark replicate (database " + database + ")";
    }

    private String holds() {
        return retainedBytes == null ? " holds WAL" : " holds " + Replicator.bytes(retainedBytes) + " of WAL";
    }

    /** An inactive slot keeps every WAL segment from its restart_lsn on, until the disk fills: the warning, or null when active. */
    public String warning() {
        return active ? null : what() + " is INACTIVE and" + holds() + ": the server keeps every WAL segment from it on until the disk fills";
    }

    /** What to do about an inactive slot, or, for an active one, what it is. */
    public String note() {
        return active ? what() + " is streaming and" + holds()
                : "bulwark replicate status --from BLUE --to GREEN says why; bulwark replicate stop removes it"
                + " (or SELECT pg_drop_replication_slot('" + Replicator.SUBSCRIPTION + "'))";
    }
}
