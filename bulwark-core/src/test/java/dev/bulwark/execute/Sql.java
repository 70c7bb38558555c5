package dev.bulwark.execute;

import dev.bulwark.pg.ConnectionSpec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Test-side queries. */
final class Sql {
    private Sql() {
    }

    static List<List<String>> rows(ConnectionSpec db, String sql) {
        try (Connection c = db.open("bulwark-test"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static String value(ConnectionSpec db, String sql) {
        List<List<String>> r = rows(db, sql);
        return r.isEmpty() ? null : r.get(0).get(0);
    }

    static void exec(ConnectionSpec db, String sql) {
        try (Connection c = db.open("bulwark-test"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static boolean tableExists(ConnectionSpec db, String name) {
        return "t".equals(value(db, "SELECT (to_regclass('" + name + "') IS NOT NULL)::text")) || "true".equals(
                value(db, "SELECT (to_regclass('" + name + "') IS NOT NULL)::text"));
    }
}
