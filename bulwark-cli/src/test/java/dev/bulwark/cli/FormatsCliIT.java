package dev.bulwark.cli;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diesel and goose layouts from the command line, on bulwark-core's fixture folders: lint and
 * test report the layout findings and check the rest; migrate refuses naming every problem and
 * touches nothing; migrate, status and rollback round-trip on the server.
 */
class FormatsCliIT {
    private static final Path FIXTURES = Path.of("..", "bulwark-core", "src", "test", "resources", "migrations")
            .toAbsolutePath().normalize();

    @TempDir
    Path project;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("formats");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    /** Copies a fixture folder to {@code <project>/migrations}. */
    private void use(String fixture) throws IOException {
        Path from = FIXTURES.resolve(fixture);
        Path to = project.resolve("migrations");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private String one(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void lintReportsTheGoMigrationAndTheDuplicateAndLintsTheSqlOnes() throws IOException {
        use("goose/with-go");

        Cli c = Cli.run(project, "lint");

        assertThat(c.exit()).as(c.all()).isEqualTo(1);
        assertThat(c.out()).contains("00002_backfill.go").contains("written in Go")
                .contains("3_add_email.sql").contains("[duplicate-version]")
                // the SQL migrations are linted: dropping a column is a finding of its own
                .contains("00003_drop_name.sql").contains("drop-column");
    }

    @Test
    void lintReportsDieselLayoutProblemsAndLintsTheRest() throws IOException {
        use("diesel/mixed");

        Cli c = Cli.run(project, "lint");

        assertThat(c.exit()).as(c.all()).isEqualTo(1);
        assertThat(c.out()).contains("2023-01-03-000000_notes").contains("has no up.sql")
                .contains("stray.sql").contains("2023-01-01-000000_create_users")
                // the rest is linted: the folder name above also shows in its duplicate-version finding, this only from linting
                .containsPattern("2023-01-04-000000_add_email/up.sql:1:1: warning\\[missing-lock-timeout\\]");
    }

    @Test
    void migrateRefusesNamingEveryProblemAndTouchesNothing() throws Exception {
        use("goose/with-go");

        Cli c = Cli.run(project, "migrate", "--url", url());

        assertThat(c.exit()).as(c.all()).isEqualTo(2);
        assertThat(c.err()).contains("2 problems in").contains("00002_backfill.go").contains("3_add_email.sql")
                .contains("nothing was applied").doesNotContain("\tat ");
        assertThat(one("SELECT count(*) FROM pg_class WHERE relname IN ('users', 'goose_db_version', 'bulwark_history')"))
                .isEqualTo("0");
    }

    @Test
    void testReportsTheLayoutFindingsAndRehearsesTheRest() throws IOException {
        use("goose/with-go");

        Cli c = Cli.run(project, "test", "--scratch-url", url());

        assertThat(c.exit()).as(c.all()).isEqualTo(1);
        assertThat(c.out()).contains("2 layout problems").contains("00002_backfill.go").contains("written in Go")
                .contains("00001 create users").contains("00003 drop name").contains("round trip");
    }

    @Test
    void dieselMigrateStatusRollbackRoundTrip() throws Exception {
        use("diesel/ok");

        Cli up = Cli.run(project, "migrate", "--url", url());
        assertThat(up.exit()).as(up.all()).isEqualTo(0);
        assertThat(one("SELECT string_agg(version, ',' ORDER BY version) FROM __diesel_schema_migrations"))
                .isEqualTo("00000000000000,20230101000000,20230102000000");
        Cli status = Cli.run(project, "status", "--url", url());
        assertThat(status.out()).containsPattern("20230102000000\\s+index users\\s+applied");

        Cli down = Cli.run(project, "rollback", "--url", url());
        assertThat(down.exit()).as(down.all()).isEqualTo(0);
        assertThat(one("SELECT string_agg(version, ',' ORDER BY version) FROM __diesel_schema_migrations"))
                .isEqualTo("00000000000000,20230101000000");
        assertThat(Cli.run(project, "status", "--url", url()).out()).containsPattern("20230102000000\\s+index users\\s+pending");
        assertThat(one("SELECT count(*) FROM pg_class WHERE relname = 'users_name'")).isEqualTo("0");
    }

    @Test
    void gooseMigrateStatusRollbackRoundTrip() throws Exception {
        use("goose/ok");

        Cli up = Cli.run(project, "migrate", "--url", url());
        assertThat(up.exit()).as(up.all()).isEqualTo(0);
        assertThat(one("SELECT string_agg(version_id || ':' || is_applied, ',' ORDER BY id) FROM goose_db_version"))
                .isEqualTo("0:true,1:true,2:true,3:true");
        assertThat(Cli.run(project, "status", "--url", url()).out()).containsPattern("00003\\s+index users\\s+applied");

        Cli down = Cli.run(project, "rollback", "--url", url(), "--steps", "2");
        assertThat(down.exit()).as(down.all()).isEqualTo(0);
        assertThat(one("SELECT string_agg(version_id::text, ',' ORDER BY id) FROM goose_db_version")).isEqualTo("0,1");
        assertThat(one("SELECT count(*) FROM pg_proc WHERE proname = 'touch'")).isEqualTo("0");
        assertThat(Cli.run(project, "status", "--url", url()).out()).containsPattern("00002\\s+touch function\\s+pending");
    }
}
