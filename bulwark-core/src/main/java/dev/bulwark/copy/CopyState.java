package dev.bulwark.copy;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an interrupted copy finished, kept on the target in {@value #SCHEMA}.state. Each step
 * records itself in the same transaction as its work (a table's rows, a range's rows, an
 * index), so after a kill a step is either done and recorded or neither: {@code --resume}
 * redoes exactly the unrecorded steps and never loads a row twice. Dropped when a copy completes.
 */
final class CopyState {
    static final String SCHEMA = "_bulwark_copy";
    private static final String TABLE = SCHEMA + ".state";

    /** A finished step: its value is free text (a range plan, a row count). */
    record Step(String key, String value) {
    }

    private CopyState() {
    }

    static boolean exists(Connection target) throws SQLException {
        return dev.bulwark.pg.Relations.exists(target, TABLE);
    }

    /** Creates the state table (autocommit connection). */
    static void create(Connection target, String source) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (step text PRIMARY KEY, value text,"
                    + " done_at timestamptz NOT NULL DEFAULT pg_catalog.now())");
            s.execute("COMMENT ON SCHEMA " + SCHEMA + " IS 'bulwark copy in progress: dropped when the copy completes'");
        }
        record(target, "started", source);
    }

    /** Every finished step. */
    static Map<String, String> load(Connection target) throws SQLException {
        Map<String, String> done = new HashMap<>();
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT step, value FROM " + TABLE)) {
            while (rs.next()) {
                String value = rs.getString(2);
                done.put(rs.getString(1), value == null ? "" : value);
            }
        }
        return done;
    }

    /** Records a step on this connection, in its current transaction if one is open. */
    static void record(Connection target, String key, String value) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO " + TABLE + " (step, value) VALUES (?, ?)"
                + " ON CONFLICT (step) DO UPDATE SET value = EXCLUDED.value, done_at = pg_catalog.now()")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    static void drop(Connection target) throws SQLException {
        try (Statement s = target.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    static Optional<String> get(Map<String, String> done, String key) {
        return Optional.ofNullable(done.get(key));
    }

    static BulwarkException unfinished(String target, String startedFrom) {
        return new BulwarkException(ErrorCode.USAGE, "the target " + target + " holds an unfinished copy"
                + (startedFrom == null ? "" : " from " + startedFrom),
                "rerun with --resume to continue it, or drop the target database and copy again");
    }
}
