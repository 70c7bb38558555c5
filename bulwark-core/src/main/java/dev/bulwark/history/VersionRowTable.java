package dev.bulwark.history;

import dev.bulwark.migration.Migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * A tool table with one row per applied migration in a {@code version} column (diesel's, dbmate's):
 * inserted in the up's transaction, deleted after the down. These tools have no failure marker: a
 * partly applied migration has no row, so the tool would run it again from the start, and Bulwark's
 * own history keeps the resume point.
 */
abstract class VersionRowTable extends ToolTable {
    private final String columns;

    /** @param columns the table's column definitions, as the tool creates them */
    VersionRowTable(String schema, String name, String columns) {
        super(schema, name);
        this.columns = columns;
    }

    @Override
    public void ensure(Connection c) throws SQLException {
        create(c, "CREATE TABLE IF NOT EXISTS " + qualified + " (" + columns + ")");
    }

    @Override
    public Map<String, ToolState> read(Connection c, Iterable<Migration> known) throws SQLException {
        return applied(c, "SELECT version FROM " + qualified, rs -> rs.getString(1));
    }

    @Override
    public void succeeded(Connection c, Migration m, long durationMs) throws SQLException {
        ensure(c);
        update(c, "INSERT INTO " + qualified + " (version) VALUES (?) ON CONFLICT DO NOTHING", key(m));
    }

    @Override
    public void failed(Connection c, Migration m, long durationMs, String error) {
        // no failure marker: the migration stays unrecorded, as the tool leaves it
    }

    @Override
    public void rolledBack(Connection c, Migration m, Migration previous) throws SQLException {
        delete(c, "version = ?", key(m));
    }
}
