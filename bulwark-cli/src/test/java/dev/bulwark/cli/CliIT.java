package dev.bulwark.cli;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end, against a real server. */
class CliIT {
    TestDatabase db;

    @TempDir
    Path project;

    @BeforeEach
    void database() {
        db = TestDatabase.create("cli");
    }

    @AfterEach
    void drop() {
        db.close();
    }

    private void writeMigrations() throws IOException {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_items.sql"),
                "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY);\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("20260102000000_add_name.sql"),
                "-- bulwark:up\nALTER TABLE items ADD COLUMN name text;\n-- bulwark:down\nALTER TABLE items DROP COLUMN name;\n");
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    @Test
    void migrateThenStatusShowsEveryMigrationApplied() throws IOException {
        writeMigrations();
        Cli m = Cli.run(project, "migrate", "--url", url());
        assertThat(m.exit()).as(m.all()).isEqualTo(0);
        assertThat(m.out()).contains("Applying 20260101000000 create items").contains("Applied 2 migrations; the database is at 20260102000000.");
        Cli s = Cli.run(project, "status", "--url", url());
        assertThat(s.exit()).as(s.all()).isEqualTo(0);
        assertThat(s.out()).containsPattern("20260101000000\\s+create items\\s+applied").contains("2 applied.");
        Cli h = Cli.run(project, "history", "--url", url());
        assertThat(h.out()).contains("versioned").contains("success");
        Cli r = Cli.run(project, "rollback", "--url", url());
        assertThat(r.exit()).as(r.all()).isEqualTo(0);
        assertThat(r.out()).contains("Rolled back 1 migration; the database is at 20260101000000.");
        Cli dry = Cli.run(project, "migrate", "--dry-run", "--url", url());
        assertThat(dry.out()).contains("Dry run: nothing was changed").contains("ALTER TABLE items ADD COLUMN name text;");
        Cli after = Cli.run(project, "status", "--url", url());
        assertThat(after.out()).containsPattern("20260102000000\\s+add name\\s+pending");
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitCode2() {
        Cli c = Cli.run(project, "migrate", "--frobnicate");
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("Unknown option: '--frobnicate'").contains("--help");
    }

    @Test
    void unreachableServerIsOneLineWithExitCode3AndNoPasswordOrStackTrace() throws IOException {
        writeMigrations();
        Cli c = Cli.run(project, "status", "--url", "postgres://alice:s3cr3t-pw@127.0.0.1:1/app");
        assertThat(c.exit()).isEqualTo(3);
        assertThat(c.all()).doesNotContain("s3cr3t-pw").doesNotContain("\tat ").contains("127.0.0.1:1");
        assertThat(c.err().lines().filter(l -> l.startsWith("error")).count()).isEqualTo(1);
    }

    @Test
    void stacktraceOptionPrintsTheTrace() throws IOException {
        writeMigrations();
        Cli c = Cli.run(project, "status", "--stacktrace", "--url", "postgres://alice:s3cr3t-pw@127.0.0.1:1/app");
        assertThat(c.exit()).isEqualTo(3);
        assertThat(c.err()).contains("\tat ");
    }

    @Test
    void missingMigrationsFolderSaysHowToCreateIt() {
        Cli c = Cli.run(project, "status", "--url", url());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("migrations").contains("bulwark init");
    }

    @Test
    void rollbackWithoutDownRefusesWithExitCode2AndChangesNothing() throws IOException {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_things.sql"), "-- bulwark:up\nCREATE TABLE things (id int);\n");
        assertThat(Cli.run(project, "migrate", "--url", url()).exit()).isEqualTo(0);
        Cli r = Cli.run(project, "rollback", "--url", url());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot roll back: 20260101000000 create things (no down)");
        assertThat(Cli.run(project, "status", "--url", url()).out()).containsPattern("create things\\s+applied");
    }

    @Test
    void initAndNewWriteAProjectThatMigrates() {
        Cli init = Cli.run(project, "init");
        assertThat(init.exit()).as(init.all()).isEqualTo(0);
        assertThat(project.resolve("bulwark.toml")).exists();
        assertThat(init.out()).contains("added .bulwark/ to .gitignore");
        assertThat(project.resolve(".gitignore")).content().contains(".bulwark/");
        assertThat(Cli.run(project, "init").exit()).isEqualTo(2);
        Cli n = Cli.run(project, "new", "create widgets");
        assertThat(n.exit()).as(n.all()).isEqualTo(0);
        assertThat(n.out()).contains("create_widgets");
    }
}
