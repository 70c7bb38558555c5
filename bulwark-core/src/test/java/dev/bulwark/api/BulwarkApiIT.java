package dev.bulwark.api;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public API end to end on a real server: classpath jars, a DataSource, typed results and events. */
class BulwarkApiIT {
    private static final Map<String, String> MIGRATIONS = Map.of(
            "V1__create_accounts.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n",
            "U1__create_accounts.sql", "DROP TABLE accounts;\n",
            "V2__add_name.sql", "ALTER TABLE accounts ADD COLUMN name text;\n",
            "U2__add_name.sql", "ALTER TABLE accounts DROP COLUMN name;\n");

    @TempDir
    Path tmp;

    /** A jar holding db/migration/*, built here, and a class loader that sees only it. */
    private URLClassLoader jarLoader(Map<String, String> files) throws IOException {
        Path jar = tmp.resolve("migrations.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("db/"));
            out.putNextEntry(new JarEntry("db/migration/"));
            for (var e : files.entrySet()) {
                out.putNextEntry(new JarEntry("db/migration/" + e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return new URLClassLoader(new URL[]{jar.toUri().toURL()}, null);
    }

    private static PGSimpleDataSource dataSource(TestDatabase db) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.spec().jdbcUrl());
        ds.setUser(db.spec().user());
        return ds;
    }

    @Test
    void migratesFromAJarOnTheClasspathThroughADataSourceAndReportsTypedEvents() throws Exception {
        List<BulwarkEvent> events = new CopyOnWriteArrayList<>();
        try (TestDatabase db = TestDatabase.create("api-jar"); URLClassLoader loader = jarLoader(MIGRATIONS)) {
            Bulwark bulwark = Bulwark.configure(loader)
                    .dataSource(dataSource(db))
                    .locations("classpath:db/migration")
                    .projectDirectory(tmp)
                    .eventListener(events::add)
                    .load();

            assertThat(bulwark.status()).extracting(MigrationInfo::id, MigrationInfo::state, MigrationInfo::script)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("1", MigrationState.PENDING, "classpath:db/migration/V1__create_accounts.sql"),
                            org.assertj.core.groups.Tuple.tuple("2", MigrationState.PENDING, "classpath:db/migration/V2__add_name.sql"));

            MigrationReport report = bulwark.migrate();
            assertThat(report.migrations()).extracting(AppliedMigration::id).containsExactly("1", "2");
            assertThat(report.currentVersion()).isEqualTo("2");
            assertThat(columns(db, "accounts")).containsExactly("id", "email", "name");
            assertThat(events).filteredOn(e -> e instanceof BulwarkEvent.MigrationApplied)
                    .extracting(e -> ((BulwarkEvent.MigrationApplied) e).id()).containsExactly("1", "2");
            assertThat(bulwark.status()).allSatisfy(m -> {
                assertThat(m.state()).isEqualTo(MigrationState.APPLIED);
                assertThat(m.appliedAt()).isNotNull();
            });

            MigrationReport back = bulwark.rollback(RollbackOptions.steps(1));
            assertThat(back.migrations()).extracting(AppliedMigration::id, AppliedMigration::down)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("2", true));
            assertThat(back.currentVersion()).isEqualTo("1");
            assertThat(columns(db, "accounts")).containsExactly("id", "email");
            assertThat(events).anyMatch(e -> e instanceof BulwarkEvent.MigrationReverted r && r.id().equals("2"));

            assertThat(bulwark.verify().clean()).isTrue();
        }
    }

    @Test
    void migrateStopsAtThePhaseBarrierAndSaysSoUntilAskedForTheContractPhase() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("phases"));
        Files.writeString(dir.resolve("V1__create_accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n");
        Files.writeString(dir.resolve("V2__expand.sql"), "-- bulwark:phase expand\nALTER TABLE accounts ADD COLUMN mail text;\n");
        Files.writeString(dir.resolve("V3__contract.sql"), "-- bulwark:phase contract\nALTER TABLE accounts DROP COLUMN email;\n");
        Files.writeString(dir.resolve("V4__after.sql"), "ALTER TABLE accounts ADD COLUMN name text;\n");
        try (TestDatabase db = TestDatabase.create("api-barrier")) {
            Bulwark bulwark = Bulwark.configure().dataSource(dataSource(db)).locations("filesystem:" + dir).projectDirectory(tmp).load();

            MigrationReport dry = bulwark.migrate(MigrateOptions.defaults().asDryRun());
            assertThat(dry.waitingAtBarrier()).containsExactly("3", "4");

            MigrationReport first = bulwark.migrate();
            assertThat(first.migrations()).extracting(AppliedMigration::id).containsExactly("1", "2");
            assertThat(first.stoppedAtPhaseBarrier()).isTrue();
            assertThat(first.waitingAtBarrier()).containsExactly("3", "4");
            assertThat(first.toString()).contains("stopped at the phase barrier before 3").contains("2 waiting: 3, 4");
            assertThat(columns(db, "accounts")).containsExactly("id", "email", "mail");

            MigrationReport again = bulwark.migrate();
            assertThat(again.migrations()).isEmpty();
            assertThat(again.waitingAtBarrier()).containsExactly("3", "4");

            MigrationReport contract = bulwark.migrate(MigrateOptions.defaults().includingContractPhase());
            assertThat(contract.migrations()).extracting(AppliedMigration::id).containsExactly("3", "4");
            assertThat(contract.stoppedAtPhaseBarrier()).isFalse();
            assertThat(contract.toString()).doesNotContain("barrier");
            assertThat(columns(db, "accounts")).containsExactly("id", "mail", "name");
        }
    }

    @Test
    void mergesAClasspathAndAFilesystemLocationAndRefusesTheSameNameTwice() throws Exception {
        Files.createDirectories(tmp.resolve("sql"));
        Files.writeString(tmp.resolve("sql/V3__more.sql"), "CREATE TABLE more (id int PRIMARY KEY);\n");
        try (TestDatabase db = TestDatabase.create("api-merge"); URLClassLoader loader = jarLoader(MIGRATIONS)) {
            Bulwark bulwark = Bulwark.configure(loader).dataSource(db.spec().jdbcUrl(), db.spec().user(), null)
                    .locations("classpath:db/migration", "filesystem:sql").projectDirectory(tmp).load();
            assertThat(bulwark.migrate().migrations()).extracting(AppliedMigration::id).containsExactly("1", "2", "3");
            assertThat(bulwark.status()).extracting(MigrationInfo::script).contains("filesystem:sql/V3__more.sql");

            Files.writeString(tmp.resolve("sql/V2__add_name.sql"), "SELECT 1;\n");
            assertThatThrownBy(bulwark::status).isInstanceOf(BulwarkFailure.class)
                    .hasMessageContaining("two migrations with the same name: classpath:db/migration/V2__add_name.sql and filesystem:sql/V2__add_name.sql");
        }
    }

    @Test
    void lintReportsFindingsByLocationAndRendersSarifAndJunit() throws Exception {
        try (URLClassLoader loader = jarLoader(Map.of(
                "V1__t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, email text);\n",
                "V2__idx.sql", "CREATE INDEX t_email ON t (email);\n"))) {
            LintReport report = Bulwark.configure(loader).projectDirectory(tmp).load().lint();
            assertThat(report.issues()).anySatisfy(i -> {
                assertThat(i.rule()).isEqualTo("require-concurrent-index");
                assertThat(i.severity()).isEqualTo(Severity.ERROR);
                assertThat(i.file()).isEqualTo("classpath:db/migration/V2__idx.sql");
                assertThat(i.line()).isEqualTo(1);
            });
            assertThat(report.failOn()).isEqualTo(Severity.ERROR);
            assertThat(report.failed()).isTrue();
            assertThat(report.render(LintFormat.SARIF)).contains("\"require-concurrent-index\"").contains("2.1.0");
            assertThat(report.render(LintFormat.JUNIT)).contains("<testsuite").contains("require-concurrent-index");
        }
    }

    @Test
    void rehearsesOnTheConfiguredServerWithoutTouchingTheTarget() throws Exception {
        try (TestDatabase db = TestDatabase.create("api-rehearse"); URLClassLoader loader = jarLoader(MIGRATIONS)) {
            RehearsalReport r = Bulwark.configure(loader).dataSource(db.spec().jdbcUrl(), db.spec().user(), null)
                    .projectDirectory(tmp).load().rehearse();
            assertThat(r.failed()).as(r.describeFailures()).isFalse();
            assertThat(r.migrations()).extracting(RehearsedMigration::id, RehearsedMigration::roundTrip)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("1", "PASSED"), org.assertj.core.groups.Tuple.tuple("2", "PASSED"));
            assertThat(columns(db, "accounts")).isEmpty();
        }
    }

    @Test
    void loadValidatesEverySettingOnceNamingTheFieldAndTheLimit() {
        assertThatThrownBy(() -> Bulwark.configure().lockTimeout(Duration.ZERO).projectDirectory(tmp).load())
                .isInstanceOf(BulwarkFailure.class).hasMessageStartingWith("lockTimeout must be greater than 0 and at most 10 minutes, was PT0S")
                .extracting(e -> ((BulwarkFailure) e).kind()).isEqualTo(BulwarkFailure.Kind.CONFIGURATION);
        assertThatThrownBy(() -> Bulwark.configure().lockRetryBudget(Duration.ofDays(2)).projectDirectory(tmp).load())
                .hasMessage("lockRetryBudget must be at most 24 hours, was PT48H");
        assertThatThrownBy(() -> Bulwark.configure().lockWait(Duration.ofSeconds(-1)).projectDirectory(tmp).load())
                .hasMessage("lockWait cannot be negative, was PT-1S");
        assertThatThrownBy(() -> Bulwark.configure().locations("http://x/db").projectDirectory(tmp).load())
                .hasMessageContaining("unknown prefix 'http:'");
        assertThatThrownBy(() -> Bulwark.configure().locations().projectDirectory(tmp).load())
                .hasMessage("locations cannot be empty");
        assertThatThrownBy(() -> Bulwark.configure().dataSource(new PGSimpleDataSource())
                .dataSource("postgresql://localhost/x", null, null).projectDirectory(tmp).load())
                .hasMessageContaining("dataSource: give either a DataSource or a URL, not both");
        assertThatThrownBy(() -> RollbackOptions.steps(0)).hasMessageContaining("RollbackOptions.steps must be at least 1, was 0");
    }

    @Test
    void aUrlPasswordNeverAppearsInTheConfiguration() {
        Configuration c = Bulwark.configure().dataSource("postgresql://app:s3cret@db.example:5432/shop", null, null)
                .projectDirectory(tmp).load().configuration();
        assertThat(c.database()).doesNotContain("s3cret").contains("db.example");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    private static List<String> columns(TestDatabase db, String table) throws SQLException {
        try (Connection c = db.open(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT column_name FROM information_schema.columns WHERE table_name = '" + table + "' ORDER BY ordinal_position")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
