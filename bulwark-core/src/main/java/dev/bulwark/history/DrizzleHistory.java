package dev.bulwark.history;

import dev.bulwark.migration.Checksums;
import dev.bulwark.migration.DrizzleReader;
import dev.bulwark.migration.Migration;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Drizzle's {@code drizzle.__drizzle_migrations(id serial, hash text, created_at bigint)}.
 * Drizzle's migrator applies every journal entry whose {@code when} is later than the newest
 * row's {@code created_at}, so {@code created_at} must be the journal's {@code when} exactly,
 * and {@code hash} the SHA-256 (hex) of the .sql file. Drizzle has no failure marker.
 */
final class DrizzleHistory implements ToolHistory {
    static final String SCHEMA = "drizzle";
    static final String TABLE = "__drizzle_migrations";
    private static final String QUALIFIED = "\"drizzle\".\"__drizzle_migrations\"";

    @Override
    public String table() {
        return SCHEMA + "." + TABLE;
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        if (Sql.tableExists(c, SCHEMA, TABLE)) {
            return;
        }
        Sql.exec(c, "CREATE SCHEMA IF NOT EXISTS \"drizzle\"");
        Sql.exec(c, "CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)");
    }

    static long folderMillis(Migration m) {
        String when = m.toolData().get(DrizzleReader.WHEN);
        if (when == null) {
            throw new dev.bulwark.BulwarkException(dev.bulwark.ErrorCode.USAGE, m.location() + ": its meta/_journal.json entry has no 'when'",
                    "regenerate the journal with drizzle-kit");
        }
        return Long.parseLong(when);
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!Sql.tableExists(c, SCHEMA, TABLE)) {
            return out;
        }
        Set<Long> created = new HashSet<>();
        long newest = Long.MIN_VALUE;
        try (PreparedStatement ps = c.prepareStatement("SELECT created_at FROM " + QUALIFIED + " WHERE created_at IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                created.add(rs.getLong(1));
                newest = Math.max(newest, rs.getLong(1));
            }
        }
        // Drizzle itself only looks at the newest row: everything up to it counts as applied.
        for (Migration m : known) {
            if (created.contains(folderMillis(m)) || folderMillis(m) <= newest) {
                out.put(key(m), ToolState.APPLIED);
            }
        }
        return out;
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        ensure(c);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + QUALIFIED + " (hash, created_at) VALUES (?, ?)")) {
            ps.setString(1, Checksums.sha256Hex(m.rawFile().getBytes(StandardCharsets.UTF_8)));
            ps.setLong(2, folderMillis(m));
            ps.executeUpdate();
        }
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) {
        // Drizzle has no failure marker; the migration stays unrecorded.
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        if (!Sql.tableExists(c, SCHEMA, TABLE)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED + " WHERE created_at = ?")) {
            ps.setLong(1, folderMillis(m));
            ps.executeUpdate();
        }
    }
}
