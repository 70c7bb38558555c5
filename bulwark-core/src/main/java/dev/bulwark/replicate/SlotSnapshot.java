package dev.bulwark.replicate;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.ConnectionSpec;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A logical replication slot created on a replication connection, and the snapshot it exported: the rows visible in
 * that snapshot are exactly those before the slot's first change, so a copy read in it and a subscription started on
 * the slot together miss nothing and apply nothing twice. PostgreSQL keeps the snapshot only while this connection
 * stays open and runs no other command: close it once every reader has imported the snapshot and finished.
 */
final class SlotSnapshot implements AutoCloseable {
    private final Connection replication;
    private final String snapshot;
    private final String consistentPoint;

    private SlotSnapshot(Connection replication, String snapshot, String consistentPoint) {
        this.replication = replication;
        this.snapshot = snapshot;
        this.consistentPoint = consistentPoint;
    }

    /** Creates the slot {@code name} with the pgoutput plugin on the database of {@code spec}. */
    static SlotSnapshot create(ConnectionSpec spec, String name, String applicationName) throws SQLException {
        Connection c = spec.withProperty("replication", "database") // walsender for this database: a logical slot, its snapshot usable here
                .withProperty("assumeMinServerVersion", "10")
                .withProperty("preferQueryMode", "simple") // the replication protocol takes simple queries only
                .open(applicationName);
        try {
            // CREATE_REPLICATION_SLOT … LOGICAL pgoutput, which exports a snapshot unless told not to
            ReplicationSlotInfo info = c.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(name).withOutputPlugin("pgoutput").make();
            if (info.getSnapshotName() == null || info.getSnapshotName().isBlank()) {
                throw new BulwarkException(ErrorCode.DATABASE, "replication slot " + name + " was created without an exported snapshot",
                        "use replicate start --initial-copy subscription");
            }
            return new SlotSnapshot(c, info.getSnapshotName(), info.getConsistentPoint().asString());
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The exported snapshot's id, for {@code SET TRANSACTION SNAPSHOT}. */
    String snapshot() {
        return snapshot;
    }

    /** The LSN from which the slot decodes changes. */
    String consistentPoint() {
        return consistentPoint;
    }

    @Override
    public void close() throws SQLException {
        replication.close();
    }
}
