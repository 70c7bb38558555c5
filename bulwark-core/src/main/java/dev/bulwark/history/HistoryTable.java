package dev.bulwark.history;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.Identifiers;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Bulwark's own history table, {@code <schema>.bulwark_history}. */
public final class HistoryTable {
    public static final String NAME = "bulwark_history";

    private final String schema;
    private final String qualified;

    public HistoryTable(String schema) {
        this.schema = schema;
        this.qualified = Identifiers.qualified(schema, NAME);
    }

    public String qualifiedName() {
        return qualified;
    }

    /** The DDL {@link #ensure} runs; shown by dry runs. */
    public String createSql() {
        return "CREATE TABLE IF NOT EXISTS " + qualified + " (\n"
                + "  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                + "  version       text NOT NULL,\n"
                + "  description   text NOT NULL,\n"
                + "  kind          text NOT NULL CHECK (kind IN ('versioned', 'repeatable', 'down', 'baseline')),\n"
                + "  up_sha256     text,\n"
                + "  down_sha256   text,\n"
                + "  applied_by    text NOT NULL DEFAULT current_user,\n"
                + "  host          text,\n"
                + "  started_at    timestamptz NOT NULL,\n"
                + "  duration_ms   bigint,\n"
                + "  statements    integer,\n"
                + "  rows_affected bigint,\n"
                + "  lock_wait_ms  bigint,\n"
                + "  status        text NOT NULL CHECK (status IN ('running', 'success', 'failed', 'repaired', 'interrupted')),\n"
                + "  resume_from   integer,\n"
                + "  error         text\n"
                + ")";
    }

    public boolean exists(Connection c) throws SQLException {
        return Sql.tableExists(c, schema, NAME);
    }

    /** Creates the schema and table if missing. Runs in the caller's transaction state. */
    public void ensure(Connection c) throws SQLException {
        if (exists(c)) {
            allowInterrupted(c);
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
            s.execute(createSql());
        }
    }

    /**
     * Tables created before the status 'interrupted' existed: widen their status check. Idempotent, and
     * done in one statement, so a kill leaves the old check or the new one.
     */
    private void allowInterrupted(Connection c) throws SQLException {
        String def = null;
        String name = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint"
                + " WHERE conrelid = pg_catalog.to_regclass(?) AND contype = 'c' AND pg_catalog.pg_get_constraintdef(oid) LIKE '%repaired%'")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    name = rs.getString(1);
                    def = rs.getString(2);
                }
            }
        }
        if (name == null || def.contains("interrupted")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + qualified + " DROP CONSTRAINT " + Identifiers.quote(name) + ", ADD CONSTRAINT "
                    + Identifiers.quote(name) + " CHECK (status IN ('running', 'success', 'failed', 'repaired', 'interrupted'))");
        }
    }

    /** Marks the row of a killed run interrupted, naming the row of the run that resumed it. Only a row still running. */
    public void markInterrupted(Connection c, long id, long resumedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + qualified
                + " SET status = 'interrupted', error = ? WHERE id = ? AND status = 'running'")) {
            ps.setString(1, "the run was killed part way; resumed by history #" + resumedBy);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Every row in insertion order; empty when the table does not exist yet. */
    public List<HistoryEntry> read(Connection c) {
        try {
            if (!exists(c)) {
                return List.of();
            }
            List<HistoryEntry> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, version, description, kind, up_sha256, down_sha256, applied_by, host, "
                         + "started_at, duration_ms, statements, rows_affected, lock_wait_ms, status, resume_from, error FROM "
                         + qualified + " ORDER BY id")) {
                while (rs.next()) {
                    out.add(new HistoryEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
                            HistoryEntry.Kind.fromDb(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), rs.getTimestamp(9).toInstant(), (Long) rs.getObject(10),
                            (Integer) rs.getObject(11), (Long) rs.getObject(12), (Long) rs.getObject(13),
                            HistoryEntry.Status.fromDb(rs.getString(14)), (Integer) rs.getObject(15), rs.getString(16)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read " + qualified + ": " + e.getMessage(),
                    "check that the user may read it", e);
        }
    }

    /** Appends a row and returns its id. */
    public long insert(Connection c, HistoryEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified
                + " (version, description, kind, up_sha256, down_sha256, host, started_at, duration_ms, statements,"
                + " rows_affected, lock_wait_ms, status, resume_from, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id")) {
            ps.setString(1, e.version());
            ps.setString(2, e.description());
            ps.setString(3, e.kind().dbValue());
            ps.setString(4, e.upSha256());
            ps.setString(5, e.downSha256());
            ps.setString(6, e.host() != null ? e.host() : localHost());
            ps.setTimestamp(7, Timestamp.from(e.startedAt()));
            setLong(ps, 8, e.durationMs());
            if (e.statements() == null) ps.setNull(9, Types.INTEGER); else ps.setInt(9, e.statements());
            setLong(ps, 10, e.rowsAffected());
            setLong(ps, 11, e.lockWaitMs());
            ps.setString(12, e.status().dbValue());
            if (e.resumeFrom() == null) ps.setNull(13, Types.INTEGER); else ps.setInt(13, e.resumeFrom());
            ps.setString(14, e.error());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Records progress or the outcome of the running row {@code id}. */
    public void update(Connection c, long id, HistoryEntry.Status status, Integer resumeFrom, Long durationMs,
                       Integer statements, Long rowsAffected, Long lockWaitMs, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + qualified
                + " SET status = ?, resume_from = ?, duration_ms = ?, statements = ?, rows_affected = ?, lock_wait_ms = ?, error = ?"
                + " WHERE id = ?")) {
            ps.setString(1, status.dbValue());
            if (resumeFrom == null) ps.setNull(2, Types.INTEGER); else ps.setInt(2, resumeFrom);
            setLong(ps, 3, durationMs);
            if (statements == null) ps.setNull(4, Types.INTEGER); else ps.setInt(4, statements);
            setLong(ps, 5, rowsAffected);
            setLong(ps, 6, lockWaitMs);
            ps.setString(7, error);
            ps.setLong(8, id);
            ps.executeUpdate();
        }
    }

    /** Forgets a run that left nothing applied (only ever a row still marked running). */
    public void deleteRunning(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + qualified + " WHERE id = ? AND status = 'running'")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Marks a failed or interrupted row repaired; false when it is no longer failed (a run finished meanwhile). */
    public boolean markRepaired(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + qualified
                + " SET status = 'repaired' WHERE id = ? AND status IN ('failed', 'running', 'interrupted')")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Rewrites the recorded checksums of a row ({@code repair} after an intended edit). */
    public void realign(Connection c, long id, String upSha256, String downSha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + qualified + " SET up_sha256 = ?, down_sha256 = ? WHERE id = ?")) {
            ps.setString(1, upSha256);
            ps.setString(2, downSha256);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, v);
    }

    private static volatile String host;

    /**
     * This machine's name, looked up once. Call it before taking locks: the first lookup can take
     * seconds (DNS), and a history row is written while the migration's locks are held.
     */
    public static String localHost() {
        String h = host;
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                h = "unknown";
            }
            host = h;
        }
        return h;
    }
}
