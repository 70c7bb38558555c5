package dev.bulwark.junit;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What the two @BulwarkDatabase test classes saw, so whichever runs second can compare. */
final class ClonedDatabases {
    /** test class → (database name, when the history says the migrations ran) */
    static final Map<String, List<String>> SEEN = new ConcurrentHashMap<>();

    private ClonedDatabases() {
    }

    /** Checks the schema is migrated and the database is this class's own, then records it. */
    static void check(String testClass, DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders (customer, total_cents) VALUES ('ada', 1200)");
            assertThat(single(s, "SELECT count(*) FROM orders")).as("a fresh database per class").isEqualTo("1");
            String migratedAt = single(s, "SELECT string_agg(version || '@' || started_at::text, ',' ORDER BY version) FROM bulwark_history");
            assertThat(migratedAt).startsWith("1@").contains(",2@");
            SEEN.put(testClass, List.of(single(s, "SELECT current_database()"), migratedAt));
        }
        if (SEEN.size() == 2) {
            List<List<String>> both = List.copyOf(SEEN.values());
            assertThat(both.get(0).get(0)).as("each class has its own database").isNotEqualTo(both.get(1).get(0));
            assertThat(both.get(0).get(1)).as("both are clones of one migration run, not two runs").isEqualTo(both.get(1).get(1));
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
