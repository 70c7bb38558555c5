package dev.bulwark.history;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A tool's history table in a schema: the name in messages, quoted for SQL, and the JDBC every
 * tool's table needs (create it when missing, refuse one of the same name another tool owns, read
 * its applied keys, change rows); what a row holds stays each tool's own.
 */
abstract class ToolTable implements ToolHistory {
    protected final String schema;
    protected final String qualified;
    private final String name;

    ToolTable(String schema, String name) {
        this.schema = schema;
        this.name = name;
        this.qualified = Identifiers.qualified(schema, name);
    }

    @Override
    public String table() {
        return schema + "." + name;
    }

    /** Why a table of this name with these columns is another tool's; null when it is this tool's. */
    record Foreign(String why, String hint) {
    }

    /** Whose table it is, from its columns: null when this tool's (the default: any). */
    protected Foreign foreign(Set<String> columns) {
        return null;
    }

    protected final boolean exists(Connection c) throws SQLException {
        return Sql.tableExists(c, schema, name);
    }

    /** The table exists and is this tool's. */
    protected final boolean ours(Connection c) throws SQLException {
        return exists(c) && foreign(Sql.columns(c, schema, name)) == null;
    }

    /** Whether the table exists; refuses one of this name that another tool owns. */
    protected final boolean existsAsOurs(Connection c) throws SQLException {
        if (!exists(c)) {
            return false;
        }
        Set<String> columns = Sql.columns(c, schema, name);
        Foreign f = foreign(columns);
        if (f != null) {
            throw new BulwarkException(ErrorCode.DATABASE, table() + " exists but " + f.why(), f.hint());
        }
        return true;
    }

    /** Runs {@code ddl} when the table is missing; refuses one of this name that another tool owns. */
    protected final void create(Connection c, String ddl) throws SQLException {
        if (!existsAsOurs(c)) {
            Sql.exec(c, ddl);
        }
    }

    /** The row's key in {@link #read}, from a row of {@link #applied}'s query. */
    interface RowKey {
        String of(ResultSet rs) throws SQLException;
    }

    /** Every row of {@code select} as applied, keyed by {@code key}; empty when the table is missing or another tool's. */
    protected final Map<String, ToolState> applied(Connection c, String select, RowKey key) throws SQLException {
        Map<String, ToolState> out = new HashMap<>();
        if (!ours(c)) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(select); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(key.of(rs), ToolState.APPLIED);
            }
        }
        return out;
    }

    /** Runs an INSERT, UPDATE or DELETE with its parameters (a null is a NULL text). */
    protected static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] == null) {
                    ps.setNull(i + 1, Types.VARCHAR);
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            return ps.executeUpdate();
        }
    }

    /** Deletes the rows matching {@code where}; nothing when the table is missing. */
    protected final void delete(Connection c, String where, Object... params) throws SQLException {
        if (exists(c)) {
            update(c, "DELETE FROM " + qualified + " WHERE " + where, params);
        }
    }
}
