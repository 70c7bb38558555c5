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
import java.util.Set;

/**
 * diesel's {@code __diesel_schema_migrations}: one row per applied migration, its version as diesel
 * derives it from the folder name ({@link dev.bulwark.migration.DieselReader}). The DDL is diesel's
 * own ({@code diesel_migrations/src/migration/setup_migration_table.sql}); diesel inserts the version
 * after the up in the same transaction, and deletes it after the down
 * ({@code MigrationHarness::run_migration} / {@code revert_migration} in
 * {@code diesel_migrations/src/migration_harness.rs}). diesel has no failure marker: a partly applied
 * migration has no row, and Bulwark's own history keeps the resume point.
 */
final class DieselHistory extends ToolTable {
    static final String TABLE = "__diesel_schema_migrations";

    DieselHistory(String schema) {
        super(schema, TABLE);
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        if (Sql.tableExists(c, schema, TABLE)) {
            Set<String> columns = Sql.columns(c, schema, TABLE);
            if (!columns.contains("version")) {
                throw new BulwarkException(ErrorCode.DATABASE, table() + " exists but is not diesel's (columns " + columns + ")",
                        "rename or drop that table, or say which layout the folder holds with --migration-format");
            }
            return;
        }
        Sql.exec(c, "CREATE TABLE IF NOT EXISTS " + qualified + " (\n"
                + "       version VARCHAR(50) PRIMARY KEY NOT NULL,\n"
                + "       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP\n"
                + ")");
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!Sql.tableExists(c, schema, TABLE) || !Sql.columns(c, schema, TABLE).contains("version")) {
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
            ps.setString(1, m.toolName());
            ps.executeUpdate();
        }
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) {
        // diesel has no way to record a failure: the migration stays unrecorded, as diesel leaves it.
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        if (!Sql.tableExists(c, schema, TABLE)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + qualified + " WHERE version = ?")) {
            ps.setString(1, m.toolName());
            ps.executeUpdate();
        }
    }
}
