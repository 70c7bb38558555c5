package dev.bulwark.history;

import dev.bulwark.migration.Checksums;
import dev.bulwark.migration.Migration;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Prisma's {@code _prisma_migrations}. Prisma's checksum is the SHA-256 (hex) of
 * {@code migration.sql}. A row with {@code finished_at} set and {@code rolled_back_at} null is
 * applied; a row with neither is a failed migration ({@code prisma migrate deploy} stops on it with
 * P3009); {@code rolled_back_at} set means Prisma ignores the row and will apply the migration again.
 */
final class PrismaHistory extends ToolTable {
    static final String TABLE = "_prisma_migrations";
    PrismaHistory(String schema) {
        super(schema, TABLE);
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        create(c, "CREATE TABLE " + qualified + " (\n"
                + "    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n"
                + "    \"checksum\"              VARCHAR(64) NOT NULL,\n"
                + "    \"finished_at\"           TIMESTAMPTZ,\n"
                + "    \"migration_name\"        VARCHAR(255) NOT NULL,\n"
                + "    \"logs\"                  TEXT,\n"
                + "    \"rolled_back_at\"        TIMESTAMPTZ,\n"
                + "    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
                + "    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n"
                + ")");
    }

    static String checksum(Migration m) {
        return Checksums.sha256Hex(m.rawFile().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!exists(c)) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT migration_name, finished_at IS NOT NULL FROM " + qualified
                + " WHERE rolled_back_at IS NULL ORDER BY started_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getBoolean(2) ? ToolState.APPLIED : ToolState.FAILED);
            }
        }
        return out;
    }

    @Override
    public void started(Connection c, Migration m) throws SQLException {
        ensure(c);
        update(c, "INSERT INTO " + qualified + " (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, now(), 0)",
                UUID.randomUUID().toString(), checksum(m), m.toolName());
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        update(c, "UPDATE " + qualified + " SET finished_at = now(), applied_steps_count = 1, checksum = ? WHERE migration_name = ?"
                + " AND finished_at IS NULL AND rolled_back_at IS NULL", checksum(m), m.toolName());
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) throws SQLException {
        update(c, "UPDATE " + qualified + " SET logs = ? WHERE migration_name = ? AND finished_at IS NULL AND rolled_back_at IS NULL",
                error, m.toolName());
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        if (exists(c)) {
            update(c, "UPDATE " + qualified + " SET rolled_back_at = now() WHERE migration_name = ? AND rolled_back_at IS NULL",
                    m.toolName());
        }
    }
}
