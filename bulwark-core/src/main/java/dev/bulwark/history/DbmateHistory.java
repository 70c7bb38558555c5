package dev.bulwark.history;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.migration.Migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * dbmate's {@code schema_migrations(version varchar(128) primary key)}: one row per applied
 * migration. dbmate has no failure marker; a partly applied migration has no row, so dbmate
 * would run it again from the start — Bulwark's own history keeps the resume point.
 */
final class DbmateHistory extends ToolTable {
    static final String TABLE = "schema_migrations";
    DbmateHistory(String schema) {
        super(schema, TABLE);
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        if (Sql.tableExists(c, schema, TABLE)) {
            if (Sql.columns(c, schema, TABLE).contains("dirty")) {
                throw new BulwarkException(ErrorCode.DATABASE, table() + " exists but is golang-migrate's, not dbmate's",
                        "pass --migration-format golang-migrate");
            }
            return;
        }
        Sql.exec(c, "CREATE TABLE IF NOT EXISTS " + qualified + " (version varchar(128) PRIMARY KEY)");
    }

    @Override
    public String key(Migration m) {
        return m.version().toString();
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!Sql.tableExists(c, schema, TABLE) || Sql.columns(c, schema, TABLE).contains("dirty")) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + qualified);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), ToolState.APPLIED);
            }
        }
        return out;
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        ensure(c);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified + " (version) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, m.version().toString());
            ps.executeUpdate();
        }
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) {
        // dbmate has no way to record a failure: the migration stays unrecorded.
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        if (!Sql.tableExists(c, schema, TABLE)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + qualified + " WHERE version = ?")) {
            ps.setString(1, m.version().toString());
            ps.executeUpdate();
        }
    }
}
