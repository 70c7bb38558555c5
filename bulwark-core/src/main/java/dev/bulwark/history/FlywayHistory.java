package dev.bulwark.history;

import dev.bulwark.migration.FlywayChecksum;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.pg.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * Flyway's {@code flyway_schema_history}, with the DDL Flyway uses on PostgreSQL and its CRC32
 * checksum, so {@code flyway validate} passes and {@code flyway info} shows the same state.
 * A rollback deletes the version's row (Community Flyway then lists it as pending again);
 * a failed non-transactional migration gets a {@code success = false} row, which Flyway reports
 * as a failed migration that needs {@code repair}.
 */
final class FlywayHistory extends ToolTable {
    static final String TABLE = "flyway_schema_history";
    FlywayHistory(String schema) {
        super(schema, TABLE);
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        if (exists(c)) {
            return;
        }
        Sql.exec(c, "CREATE TABLE " + qualified + " (\n"
                + "    \"installed_rank\" INT NOT NULL,\n"
                + "    \"version\" VARCHAR(50),\n"
                + "    \"description\" VARCHAR(200) NOT NULL,\n"
                + "    \"type\" VARCHAR(20) NOT NULL,\n"
                + "    \"script\" VARCHAR(1000) NOT NULL,\n"
                + "    \"checksum\" INTEGER,\n"
                + "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
                + "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n"
                + "    \"execution_time\" INTEGER NOT NULL,\n"
                + "    \"success\" BOOLEAN NOT NULL\n"
                + ")");
        Sql.exec(c, "ALTER TABLE " + qualified + " ADD CONSTRAINT " + Identifiers.quote(TABLE + "_pk")
                + " PRIMARY KEY (\"installed_rank\")");
        Sql.exec(c, "CREATE INDEX " + Identifiers.quote(TABLE + "_s_idx") + " ON " + qualified + " (\"success\")");
    }

    @Override
    public String key(Migration m) {
        return m.kind() == MigrationKind.REPEATABLE ? "R:" + m.description() : "V:" + flywayVersion(m);
    }

    /** Flyway stores {@code V1_2__x.sql} as version {@code 1.2}. */
    private static String flywayVersion(Migration m) {
        return m.version().toString().replace('_', '.');
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!exists(c)) {
            return out;
        }
        dev.bulwark.migration.MigrationVersion baseline = null;
        // a repeatable runs again when its file no longer has the checksum of its latest row
        Map<String, Integer> repeatableSums = new HashMap<>();
        for (Migration m : known) {
            if (m.kind() == MigrationKind.REPEATABLE) {
                repeatableSums.put(key(m), FlywayChecksum.of(m.rawFile()));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT version, description, success, type, checksum FROM " + qualified
                + " WHERE type IN ('SQL', 'JDBC', 'BASELINE', 'SQL_BASELINE') ORDER BY installed_rank");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String version = rs.getString(1);
                String key = version == null ? "R:" + rs.getString(2) : "V:" + version;
                ToolState state = rs.getBoolean(3) ? ToolState.APPLIED : ToolState.FAILED;
                Integer fileSum = repeatableSums.get(key);
                Object rowSum = rs.getObject(5);
                if (version == null && state == ToolState.APPLIED && fileSum != null && rowSum != null
                        && ((Number) rowSum).intValue() != fileSum) {
                    state = ToolState.OUTDATED;
                }
                out.put(key, state);
                if ("BASELINE".equals(rs.getString(4)) && version != null) {
                    baseline = dev.bulwark.migration.MigrationVersion.of(version);
                }
            }
        }
        // Flyway's baseline stands for every version up to it
        if (baseline != null) {
            for (Migration m : known) {
                if (m.version() != null && m.version().compareTo(baseline) <= 0) {
                    out.putIfAbsent(key(m), ToolState.APPLIED);
                }
            }
        }
        return out;
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        // a resumed migration succeeds after a failed attempt: drop the failed row, as `flyway repair` would
        if (m.version() != null) {
            delete(c, "version = ? AND NOT success", flywayVersion(m));
        }
        insert(c, m, durationMs, true);
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) throws SQLException {
        insert(c, m, durationMs, false);
    }

    private void insert(Connection c, Migration m, long durationMs, boolean success) throws SQLException {
        ensure(c);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + qualified
                + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
                + " SELECT coalesce(max(installed_rank), 0) + 1, ?, ?, 'SQL', ?, ?, current_user, ?, ? FROM " + qualified)) {
            if (m.version() == null) ps.setNull(1, Types.VARCHAR); else ps.setString(1, flywayVersion(m));
            ps.setString(2, m.description());
            ps.setString(3, m.toolName());
            ps.setInt(4, FlywayChecksum.of(m.rawFile()));
            ps.setInt(5, (int) Math.min(Integer.MAX_VALUE, durationMs));
            ps.setBoolean(6, success);
            ps.executeUpdate();
        }
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        if (m.version() != null) {
            delete(c, "version = ? AND type = 'SQL'", flywayVersion(m));
        }
    }
}
