package dev.bulwark.catalog;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.pg.ConnectionSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Table sizes of the real target, read in a read-only transaction, so a traced lock can be
 * stated as what it would mean there: "SHARE on public.orders (38 GB, ~210M rows)".
 */
public record LiveSizes(String target, Map<String, Size> tables) {
    public static final LiveSizes NONE = new LiveSizes(null, Map.of());

    /** @param rows the planner's estimate, or null when the table was never analyzed */
    public record Size(long bytes, Long rows) {
        public String describe() {
            return human(bytes) + (rows == null ? "" : ", ~" + count(rows) + " rows");
        }
    }

    public static LiveSizes read(ConnectionSpec target) {
        try (Connection c = target.open("bulwark-test-sizes")) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (java.sql.Statement st = c.createStatement()) {
                // sizes take ACCESS SHARE on every table: never queue behind a migration's ACCESS EXCLUSIVE
                st.execute("SET LOCAL lock_timeout = '5s'");
            }
            CatalogSnapshot s = new CatalogReader(c).read();
            c.rollback();
            Map<String, Size> sizes = new HashMap<>();
            for (var t : s.tables()) {
                sizes.put(t.schema() + "." + t.name(), new Size(t.totalBytes(), t.rowEstimate()));
            }
            return new LiveSizes(target.masked(), sizes);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read table sizes from " + target.masked() + ": " + e.getMessage(),
                    "check --url; it is only read, in a read-only transaction", e);
        }
    }

    public Size of(String relation) {
        return tables.get(relation);
    }

    public static String human(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v >= 10 || u == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    public static String count(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.1fG", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.0fM", n / 1e6);
        if (n >= 1_000L) return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        return Long.toString(n);
    }
}
