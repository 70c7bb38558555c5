package dev.bulwark.testing;

import dev.bulwark.pg.ConnectionSpec;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestSupportIT {
    private static String firstSpec;

    @Test
    void theSharedServerIsStartedOnceAndStaysTheSame() {
        assertThat(PostgresTestServer.shared()).isSameAs(PostgresTestServer.shared());
        assertThat(PostgresTestServer.shared().dataDir().toString()).contains("bulwark-it-");
    }

    @Test
    void aTestDatabaseIsFreshUniquelyNamedAndDroppedOnClose() throws SQLException {
        String name;
        try (TestDatabase first = TestDatabase.create("Lock retries!");
             TestDatabase second = TestDatabase.create("Lock retries!")) {
            name = first.name();
            assertThat(first.name()).startsWith("it_lock_retries_").isNotEqualTo(second.name());
            try (Connection c = first.open()) {
                assertThat(query(c, "SELECT current_database()")).isEqualTo(first.name());
                assertThat(query(c, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'")).isEqualTo("0");
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE only_here (id int)");
                }
            }
            try (Connection c = second.open()) {
                assertThat(query(c, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'only_here'")).isEqualTo("0");
            }
            // an open session does not stop the drop
            Connection leftOpen = first.open();
            assertThat(leftOpen.isValid(1)).isTrue();
        }
        assertThat(databaseExists(name)).isFalse();
    }

    @Test
    void longHintsAreCutToPostgresNameLimit() {
        String name = TestDatabase.uniqueName("x".repeat(200));
        assertThat(name.length()).isLessThanOrEqualTo(63);
        assertThat(name).startsWith("it_xxx");
    }

    @Test
    @Order(1)
    void theExtensionInjectsOneDatabasePerClass(ConnectionSpec db) throws SQLException {
        firstSpec = db.jdbcUrl();
        try (Connection c = db.open("test-support-it")) {
            assertThat(query(c, "SELECT current_database()")).startsWith("it_testsupportit_");
        }
    }

    @Test
    @Order(2)
    void everyMethodOfTheClassGetsTheSameDatabase(ConnectionSpec db, TestDatabase database) {
        assertThat(db.jdbcUrl()).isEqualTo(firstSpec).isEqualTo(database.spec().jdbcUrl());
    }

    @Nested
    class NestedTests {
        @Test
        void nestedClassesShareTheOuterDatabase(ConnectionSpec db) throws SQLException {
            try (Connection c = db.open("test-support-it")) {
                assertThat(query(c, "SELECT current_database()")).startsWith("it_testsupportit_");
            }
        }
    }

    private static boolean databaseExists(String name) throws SQLException {
        try (Connection c = PostgresTestServer.admin().open("test-support-it");
             var statement = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
