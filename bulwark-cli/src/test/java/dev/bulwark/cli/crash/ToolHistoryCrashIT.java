package dev.bulwark.cli.crash;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of {@code bulwark migrate} between the two history writes that end a no-transaction
 * migration: {@code bulwark_history}'s success and the tool's own row (diesel's, goose's). The two
 * must commit together; a kill between two commits left Bulwark saying applied and the tool not,
 * and no later run wrote the tool's row, so diesel or goose would run the migration again.
 */
class ToolHistoryCrashIT {
    @TempDir
    Path project;
    TestDatabase db;

    @AfterEach
    void tearDown() {
        if (db != null) {
            db.close();
        }
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    private void write(String relative, String content) throws IOException {
        Path p = project.resolve("migrations").resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private String one(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Kills the first migrate where Bulwark's row is written and the tool's not yet, then runs migrate again. */
    private void killBetweenTheHistoryWritesThenMigrate() {
        db = TestDatabase.create("toolcrash");
        CrashHarness harness = new CrashHarness(project);
        CrashHarness.Run killed = harness.crashAt("migrate.history.tool-before", "migrate", "--url", url());
        assertThat(killed.killed()).as(killed.toString()).isTrue();
        CrashHarness.Run resumed = harness.run("migrate", "--url", url());
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
    }

    @Test
    void dieselRecordsTheNoTransactionMigrationAfterAKillBetweenTheHistoryWrites() throws Exception {
        write("2023-01-01-000000_create_items/up.sql", "CREATE TABLE items (id int PRIMARY KEY, name text);\n");
        write("2023-01-02-000000_index_items/up.sql", "CREATE INDEX CONCURRENTLY items_name ON items (name);\n");
        write("2023-01-02-000000_index_items/metadata.toml", "run_in_transaction = false\n");
        killBetweenTheHistoryWritesThenMigrate();
        assertThat(one("SELECT string_agg(version, ',' ORDER BY version) FROM __diesel_schema_migrations"))
                .isEqualTo("20230101000000,20230102000000");
        assertThat(one("SELECT count(*) FROM bulwark_history WHERE version = '20230102000000' AND status = 'success'")).isEqualTo("1");
    }

    @Test
    void gooseRecordsTheNoTransactionMigrationAfterAKillBetweenTheHistoryWrites() throws Exception {
        write("00001_create_items.sql", "-- +goose Up\nCREATE TABLE items (id int PRIMARY KEY, name text);\n");
        write("00002_index_items.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY items_name ON items (name);\n");
        killBetweenTheHistoryWritesThenMigrate();
        assertThat(one("SELECT string_agg(version_id::text, ',' ORDER BY id) FROM goose_db_version WHERE is_applied")).isEqualTo("0,1,2");
        assertThat(one("SELECT count(*) FROM bulwark_history WHERE version = '00002' AND status = 'success'")).isEqualTo("1");
    }
}
