package dev.bulwark.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** With no database configured, commands use the project's embedded PostgreSQL in .bulwark/pgdata. */
class EmbeddedDefaultIT {
    @TempDir
    Path project;

    @AfterEach
    void stop() {
        Cli.run(project, "db", "stop");
    }

    @Test
    void migrateAppliesToTheEmbeddedServerWhichPersistsAndStopsAfterEachCommand() throws IOException {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_create_notes.sql"),
                "-- bulwark:up\nCREATE TABLE notes (id int PRIMARY KEY, body text);\n-- bulwark:down\nDROP TABLE notes;\n");
        Cli migrate = Cli.run(project, "migrate");
        assertThat(migrate.exit()).as(migrate.all()).isEqualTo(0);
        assertThat(migrate.out()).contains("(embedded").contains("Applied 1 migration");
        assertThat(project.resolve(".bulwark/pgdata/PG_VERSION")).exists();
        assertThat(Cli.run(project, "db", "status").exit()).as("stopped when the command ended").isEqualTo(1);

        Cli status = Cli.run(project, "status");
        assertThat(status.out()).containsPattern("create notes\\s+applied");

        Cli start = Cli.run(project, "db", "start");
        assertThat(start.exit()).as(start.all()).isEqualTo(0);
        Cli url = Cli.run(project, "db", "url");
        assertThat(url.out()).startsWith("postgresql://postgres@127.0.0.1:");
        assertThat(Cli.run(project, "db", "status").out()).startsWith("running");
        // a command run while 'db start' keeps it up leaves it running
        Cli.run(project, "status");
        assertThat(Cli.run(project, "db", "status").exit()).isEqualTo(0);
        assertThat(Cli.run(project, "db", "stop").out()).contains("stopped");
        assertThat(Cli.run(project, "db", "status").exit()).isEqualTo(1);
    }

    @Test
    void dbUrlOfAStoppedServerStartsItSoPsqlCanConnect() throws Exception {
        Files.createDirectories(project.resolve("migrations"));
        assertThat(Cli.run(project, "db", "status").exit()).as("stopped").isEqualTo(1);
        Cli url = Cli.run(project, "db", "url");
        assertThat(url.exit()).as(url.all()).isZero();
        assertThat(url.err()).contains("started the embedded PostgreSQL").contains("bulwark db stop");
        assertThat(url.out().strip()).startsWith("postgresql://postgres@127.0.0.1:").doesNotContain("\n");
        assertThat(Cli.run(project, "db", "status").exit()).as("still running for psql").isZero();
        // the URL it printed is a server that answers, as psql "$(bulwark db url)" needs
        String jdbc = "jdbc:" + url.out().strip().replace("postgresql://postgres@", "postgresql://");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc, "postgres", "");
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
        Cli again = Cli.run(project, "db", "url");
        assertThat(again.err()).as("running: nothing to say").isEmpty();
        assertThat(again.out()).isEqualTo(url.out());
    }
}
