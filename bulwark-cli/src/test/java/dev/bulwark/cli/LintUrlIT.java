package dev.bulwark.cli;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** lint --url: the target's history and server version, read only, on a real server. */
class LintUrlIT {
    TestDatabase db;

    @TempDir
    Path project;

    @BeforeEach
    void database() {
        db = TestDatabase.create("lint");
    }

    @AfterEach
    void drop() {
        db.close();
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void reportsMigrationsEditedAfterApplyAndMergedOutOfOrder() throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_items.sql"),
                "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY);\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("20260103000000_add_name.sql"),
                "-- bulwark:up\nALTER TABLE items ADD COLUMN name text;\n-- bulwark:down\nALTER TABLE items DROP COLUMN name;\n");
        Cli migrate = Cli.run(project, "migrate", "--url", url());
        assertThat(migrate.exit()).as(migrate.all()).isEqualTo(0);

        Files.writeString(m.resolve("20260101000000_create_items.sql"),
                "-- bulwark:up\nCREATE TABLE items (id bigint PRIMARY KEY);\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("20260102000000_add_price.sql"),
                "-- bulwark:up\nALTER TABLE items ADD COLUMN price bigint;\n-- bulwark:down\nALTER TABLE items DROP COLUMN price;\n");

        Cli offline = Cli.run(project, "lint");
        assertThat(offline.out()).doesNotContain("edited-after-apply").doesNotContain("out-of-order");

        Cli lint = Cli.run(project, "lint", "--url", url());
        assertThat(lint.exit()).as(lint.all()).isEqualTo(1);
        assertThat(lint.out())
                .contains("migrations/20260101000000_create_items.sql:2:1: error[edited-after-apply] migration 20260101000000 was applied")
                .contains("migrations/20260102000000_add_price.sql:2:1: error[out-of-order] migration 20260102000000 is not applied"
                        + " on the target but sorts before migration 20260103000000");
        // Reading the target changed nothing on it.
        Cli status = Cli.run(project, "status", "--url", url());
        assertThat(status.out()).containsPattern("20260102000000\\s+add price\\s+out of order");
    }

    @Test
    void takesThePostgresVersionFromTheServerUnlessGiven() throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int);\n");
        Files.writeString(m.resolve("20260102000000_add.sql"), "-- bulwark:up\nALTER TABLE items ADD COLUMN n int DEFAULT 0;\n");
        // The embedded server is PostgreSQL 15: a constant default is no rewrite there, but is before 11.
        assertThat(Cli.run(project, "lint", "--url", url()).out()).doesNotContain("volatile-default");
        assertThat(Cli.run(project, "lint", "--url", url(), "--pg-version", "10").out()).contains("error[volatile-default]");
    }

    @Test
    void lockFindingOnATinyTargetTableIsLoweredAndSaysTheSize() throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY, name text);\n");
        assertThat(Cli.run(project, "migrate", "--url", url()).exit()).isEqualTo(0);
        Files.writeString(m.resolve("20260102000000_index.sql"), "-- bulwark:up\nCREATE INDEX items_name_idx ON items (name);\n");

        assertThat(Cli.run(project, "lint").out()).contains("error[require-concurrent-index]");
        Cli lint = Cli.run(project, "lint", "--url", url());
        assertThat(lint.out()).contains("warning[require-concurrent-index]")
                .containsPattern("on the target items is [0-9.]+ kB.*: the lock is brief there");
    }
}
