package dev.bulwark.history;

import dev.bulwark.migration.Migration;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * golang-migrate's {@code schema_migrations(version bigint, dirty boolean)}: a single row holding
 * the current version. Everything at or below it counts as applied. While a migration runs the
 * row is {@code dirty = true}, as golang-migrate does; a failure that leaves part of a migration
 * applied leaves it dirty, so {@code migrate} refuses to go on until someone runs {@code force}.
 */
final class GolangMigrateHistory extends ToolTable {
    static final String TABLE = "schema_migrations";
    GolangMigrateHistory(String schema) {
        super(schema, TABLE);
    }

    @Override
    protected Foreign foreign(Set<String> columns) {
        return columns.equals(Set.of("version", "dirty")) ? null : new Foreign("is not golang-migrate's (columns " + columns + ")",
                "is this project managed by dbmate? pass --migration-format dbmate");
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        create(c, "CREATE TABLE IF NOT EXISTS " + qualified + " (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
    }

    @Override
    public String key(Migration m) {
        return m.version().toString();
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!ours(c)) {
            return out;
        }
        BigInteger current;
        boolean dirty;
        try (PreparedStatement ps = c.prepareStatement("SELECT version, dirty FROM " + qualified + " LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return out;
            }
            current = BigInteger.valueOf(rs.getLong(1));
            dirty = rs.getBoolean(2);
        }
        for (Migration m : known) {
            BigInteger v = new BigInteger(m.version().toString());
            int cmp = v.compareTo(current);
            if (cmp < 0 || (cmp == 0 && !dirty)) {
                out.put(key(m), ToolState.APPLIED);
            } else if (cmp == 0) {
                out.put(key(m), ToolState.FAILED);
            }
        }
        return out;
    }

    /** Replaces the single row; in one transaction, so a crash never leaves the table empty. */
    private void set(Connection c, String version, boolean dirty) throws SQLException {
        Sql.inTransaction(c, () -> {
            ensure(c);
            Sql.exec(c, "DELETE FROM " + qualified);
            if (version != null) {
                update(c, "INSERT INTO " + qualified + " (version, dirty) VALUES (?, ?)", Long.parseLong(version), dirty);
            }
        });
    }

    /** The version recorded now, or null. */
    private Long current(Connection c) throws SQLException {
        if (!exists(c)) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + qualified + " LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /** golang-migrate's version only moves up: an out-of-order migration applied below it leaves it where it is. */
    private String atLeastCurrent(Connection c, Migration m) throws SQLException {
        Long now = current(c);
        long v = Long.parseLong(m.version().toString());
        return now != null && now > v ? String.valueOf(now) : String.valueOf(v);
    }

    @Override
    public void started(Connection c, Migration m) throws SQLException {
        set(c, atLeastCurrent(c, m), true);
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        set(c, atLeastCurrent(c, m), false);
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) throws SQLException {
        set(c, m.version().toString(), true);
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        set(c, previous == null ? null : previous.version().toString(), false);
    }
}
