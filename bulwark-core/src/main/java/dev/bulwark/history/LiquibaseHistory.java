package dev.bulwark.history;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.migration.LiquibaseReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.pg.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Liquibase's {@code DATABASECHANGELOG}, with the DDL Liquibase 4.33 uses on PostgreSQL (unquoted,
 * so lower-case names), one row per executed changeset keyed by {@code FILENAME::ID::AUTHOR}, the
 * changeset's {@code 9:} checksum in {@code MD5SUM} (NULL where Bulwark cannot compute it: Liquibase
 * accepts a NULL checksum as valid and fills it in on its next update), {@code EXECTYPE EXECUTED},
 * {@code ORDEREXECUTED} counting up, one {@code DEPLOYMENT_ID} per run.
 *
 * <p>{@code DATABASECHANGELOGLOCK} is respected: {@link #lock} refuses while another holds it and
 * takes it for the run. A lock left by a Bulwark run that was killed (its backend is gone) is taken
 * over; one left by Liquibase is not (that is {@code liquibase release-locks}' job).
 *
 * <p>Liquibase records nothing for a failed changeset (its transaction rolls back); a
 * non-transactional one that failed part way is also left unrecorded here, and Bulwark's own
 * history keeps where to resume. A rollback deletes the changeset's row, as Liquibase's does.
 */
final class LiquibaseHistory extends ToolTable {
    static final String TABLE = "databasechangelog";
    static final String LOCK_TABLE = "databasechangeloglock";
    /** The version written in the LIQUIBASE column: the one whose checksums Bulwark computes. */
    static final String VERSION = "4.33.0";
    private static final String LOCKED_BY = "bulwark on ";
    /** A changeset's row: the key Liquibase compares. */
    private static final String CHANGESET = "id = ? AND author = ? AND filename = ?";

    private final String lockQualified;
    /** One per run, like Liquibase's: the last 10 digits of the start time in milliseconds. */
    private final String deploymentId = String.valueOf(System.currentTimeMillis()).substring(3);

    LiquibaseHistory(String schema) {
        super(schema, TABLE);
        this.lockQualified = Identifiers.qualified(schema, LOCK_TABLE);
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        create(c, "CREATE TABLE " + qualified + " (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL,"
                    + " FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED TIMESTAMP WITHOUT TIME ZONE NOT NULL,"
                    + " ORDEREXECUTED INTEGER NOT NULL, EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35),"
                    + " DESCRIPTION VARCHAR(255), COMMENTS VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20),"
                + " CONTEXTS VARCHAR(255), LABELS VARCHAR(255), DEPLOYMENT_ID VARCHAR(10))");
        ensureLockTable(c);
    }

    private void ensureLockTable(Connection c) throws SQLException {
        if (!Sql.tableExists(c, schema, LOCK_TABLE)) {
            Sql.exec(c, "CREATE TABLE IF NOT EXISTS " + lockQualified + " (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL,"
                    + " LOCKGRANTED TIMESTAMP WITHOUT TIME ZONE, LOCKEDBY VARCHAR(255),"
                    + " CONSTRAINT " + Identifiers.quote(LOCK_TABLE + "_pkey") + " PRIMARY KEY (ID))");
        }
        Sql.exec(c, "INSERT INTO " + lockQualified + " (ID, LOCKED) SELECT 1, FALSE WHERE NOT EXISTS (SELECT 1 FROM "
                + lockQualified + " WHERE ID = 1)");
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        // EXECUTED, RERAN and MARK_RAN all mean Liquibase will not run the changeset again
        return applied(c, "SELECT filename, id, author FROM " + qualified,
                rs -> LiquibaseReader.key(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        ensure(c);
        Map<String, String> d = m.toolData();
        delete(c, CHANGESET, d.get(LiquibaseReader.ID), d.get(LiquibaseReader.AUTHOR), d.get(LiquibaseReader.FILENAME));
        update(c, "INSERT INTO " + qualified
                        + " (ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, EXECTYPE, MD5SUM, DESCRIPTION, COMMENTS, TAG, LIQUIBASE,"
                        + " CONTEXTS, LABELS, DEPLOYMENT_ID)"
                        + " SELECT ?, ?, ?, LOCALTIMESTAMP, coalesce(max(ORDEREXECUTED), 0) + 1, 'EXECUTED', ?, ?, ?, NULL, ?, ?, ?, ? FROM "
                        + qualified,
                d.get(LiquibaseReader.ID), d.get(LiquibaseReader.AUTHOR), d.get(LiquibaseReader.FILENAME), d.get(LiquibaseReader.MD5SUM),
                truncate(d.getOrDefault(LiquibaseReader.DESCRIPTION, "sql")), truncate(d.getOrDefault(LiquibaseReader.COMMENTS, "")),
                VERSION, d.get(LiquibaseReader.CONTEXTS), d.get(LiquibaseReader.LABELS), deploymentId);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 255 ? s : s.substring(0, 252) + "...";
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) {
        // Liquibase records no failure: the changeset stays unrecorded, Bulwark's history keeps the resume point
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        Map<String, String> d = m.toolData();
        delete(c, CHANGESET, d.get(LiquibaseReader.ID), d.get(LiquibaseReader.AUTHOR), d.get(LiquibaseReader.FILENAME));
    }

    @Override
    public Held lock(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try {
            ensureLockTable(c);
            int pid;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                pid = rs.getInt(1);
            }
            String me = LOCKED_BY + HistoryTable.localHost() + ", backend " + pid;
            if (!take(c, me, null)) {
                String holder = null;
                java.sql.Timestamp since = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT lockedby, lockgranted FROM " + lockQualified + " WHERE id = 1");
                     ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        holder = rs.getString(1);
                        since = rs.getTimestamp(2);
                    }
                }
                if (!(stale(c, holder) && take(c, me, holder))) {
                    throw new BulwarkException(ErrorCode.LOCK_NOT_ACQUIRED, schema + "." + LOCK_TABLE + " is held by " + (holder == null ? "someone" : holder)
                            + (since == null ? "" : " since " + since) + ": Liquibase (or another tool) is migrating this database",
                            "wait for it to finish; if no Liquibase runs, release it with `liquibase release-locks`");
                }
            }
        } finally {
            c.setAutoCommit(auto);
        }
        return () -> {
            try {
                boolean a = c.getAutoCommit();
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + lockQualified
                        + " SET LOCKED = FALSE, LOCKGRANTED = NULL, LOCKEDBY = NULL WHERE ID = 1 AND LOCKEDBY LIKE ?")) {
                    ps.setString(1, LOCKED_BY + "%");
                    ps.executeUpdate();
                }
                c.setAutoCommit(a);
            } catch (SQLException e) {
                // the connection is gone: the next run finds its backend gone and takes the lock over
            }
        };
    }

    private boolean take(Connection c, String me, String staleHolder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + lockQualified
                + " SET LOCKED = TRUE, LOCKGRANTED = LOCALTIMESTAMP, LOCKEDBY = ? WHERE ID = 1 AND "
                + (staleHolder == null ? "NOT LOCKED" : "LOCKEDBY = ?"))) {
            ps.setString(1, me);
            if (staleHolder != null) {
                ps.setString(2, staleHolder);
            }
            return ps.executeUpdate() == 1;
        }
    }

    /** A lock a Bulwark run left when it was killed: its backend no longer exists. */
    private static boolean stale(Connection c, String holder) throws SQLException {
        if (holder == null || !holder.startsWith(LOCKED_BY)) {
            return false;
        }
        int at = holder.lastIndexOf(", backend ");
        if (at < 0) {
            return false;
        }
        int pid;
        try {
            pid = Integer.parseInt(holder.substring(at + ", backend ".length()).strip());
        } catch (NumberFormatException e) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        }
    }
}
