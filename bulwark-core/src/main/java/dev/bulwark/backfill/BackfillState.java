package dev.bulwark.backfill;

import dev.bulwark.pg.Identifiers;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Bulwark's own table {@code <schema>.bulwark_backfill}: one row per backfill, holding the last key
 * done and the counts. Each batch updates its row in the batch's own transaction, so the row and the
 * table's data never disagree: a killed run resumes right after the last committed batch.
 */
public final class BackfillState {
    public static final String NAME = "bulwark_backfill";

    private final String schema;
    private final String qualified;

    public BackfillState(String schema) {
        this.schema = schema;
        this.qualified = Identifiers.qualified(schema, NAME);
    }

    public String qualifiedName() {
        return qualified;
    }

    /**
     * One backfill's progress.
     *
     * @param job      what identifies the backfill: the command's table, SET and WHERE, or a migration's step
     * @param upperKey range mode: the highest key when the backfill started (rows above it came later); else null
     * @param lastKey  the last key done, as text (one element per key column), or null before the first batch
     */
    public record Row(String job, String table, String statement, String mode, String upperKey, List<String> lastKey,
                      long rows, long batches, long pauses, long pauseMs, long lockRetries, boolean done,
                      Instant startedAt, Instant finishedAt) {
    }

    public String createSql() {
        return "CREATE TABLE IF NOT EXISTS " + qualified + " (\n"
                + "  job          text PRIMARY KEY,\n"
                + "  table_name   text NOT NULL,\n"
                + "  statement    text NOT NULL,\n"
                + "  mode         text NOT NULL CHECK (mode IN ('range', 'keyset')),\n"
                + "  upper_key    text,\n"
                + "  last_key     text[],\n"
                + "  rows_done    bigint NOT NULL DEFAULT 0,\n"
                + "  batches      bigint NOT NULL DEFAULT 0,\n"
                + "  pauses       bigint NOT NULL DEFAULT 0,\n"
                + "  pause_ms     bigint NOT NULL DEFAULT 0,\n"
                + "  lock_retries bigint NOT NULL DEFAULT 0,\n"
                + "  status       text NOT NULL CHECK (status IN ('running', 'done')),\n"
                + "  started_at   timestamptz NOT NULL DEFAULT now(),\n"
                + "  updated_at   timestamptz NOT NULL DEFAULT now(),\n"
                + "  finished_at  timestamptz\n"
                + ")";
    }

    public boolean exists(Connection c) throws SQLException {
        return dev.bulwark.pg.Relations.exists(c, qualified);
    }

    /** Creates the schema and the table if missing. */
    public void ensure(Connection c) throws SQLException {
        if (exists(c)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema));
            s.execute(createSql());
        }
    }

    public Optional<Row> read(Connection c, String job) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT job, table_name, statement, mode, upper_key, last_key, rows_done,"
                + " batches, pauses, pause_ms, lock_retries, status, started_at, finished_at FROM " + qualified + " WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array a = rs.getArray(6);
                List<String> last = a == null ? null : Arrays.asList((String[]) a.getArray());
                return Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        last, rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
                        "done".equals(rs.getString(12)), instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14))));
            }
        }
    }

    private static Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** A new backfill's row, replacing a finished or abandoned one of the same job. In the caller's transaction. */
    public void start(Connection c, String job, String table, String statement, String mode, String upperKey) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + qualified + " WHERE job = ?")) {
            del.setString(1, job);
            del.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified
                + " (job, table_name, statement, mode, upper_key, status) VALUES (?, ?, ?, ?, ?, 'running')")) {
            ps.setString(1, job);
            ps.setString(2, table);
            ps.setString(3, statement);
            ps.setString(4, mode);
            ps.setString(5, upperKey);
            ps.executeUpdate();
        }
    }

    /** The progress of one batch, in the batch's own transaction. */
    public void advance(Connection c, String job, List<String> lastKey, long rows, long pauses, long pauseMs, long lockRetries,
                        boolean done) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + qualified + " SET last_key = coalesce(?, last_key),"
                + " rows_done = rows_done + ?, batches = batches + 1, pauses = pauses + ?, pause_ms = pause_ms + ?,"
                + " lock_retries = lock_retries + ?, status = ?, updated_at = now(),"
                + " finished_at = CASE WHEN ? THEN now() END WHERE job = ?")) {
            ps.setArray(1, lastKey == null ? null : c.createArrayOf("text", lastKey.toArray()));
            ps.setLong(2, rows);
            ps.setLong(3, pauses);
            ps.setLong(4, pauseMs);
            ps.setLong(5, lockRetries);
            ps.setString(6, done ? "done" : "running");
            ps.setBoolean(7, done);
            ps.setString(8, job);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the progress row of backfill " + job + " in " + qualified + " is gone");
            }
        }
    }

    /** Forgets a job (a migration step once its completion is recorded in history). In the caller's transaction. */
    public void delete(Connection c, String job) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + qualified + " WHERE job = ?")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
    }
}
