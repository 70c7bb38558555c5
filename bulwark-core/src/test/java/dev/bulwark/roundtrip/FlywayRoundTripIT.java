package dev.bulwark.roundtrip;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.Listener;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.testing.TestDatabase;
import dev.bulwark.testing.TestRows;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Flyway (flyway-core with flyway-database-postgresql) and Bulwark share one database and
 * one flyway_schema_history: what one applies, the other sees applied and valid, and neither runs
 * a migration twice.
 */
class FlywayRoundTripIT {
    @TempDir
    Path project;
    TestDatabase db;
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        db = TestDatabase.create("flywayrt");
        dir = project.resolve("migrations");
        write("V1__create_users.sql", "CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n");
        write("V1_1__add_name.sql", "-- a comment, CRLF line ends\r\nALTER TABLE users ADD COLUMN name text;\r\n");
        write("V2__orders.sql", "\uFEFFCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n");
        write("sub/V3__index.sql", "-- bulwark:no-transaction\nCREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);\n");
        write("V10__ten.sql", "CREATE TABLE ten (id int);\n");
        write("R__users_view.sql", "CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users;\n");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void write(String relative, String content) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private Flyway flyway(String target) {
        var c = Flyway.configure()
                .dataSource(db.spec().jdbcUrl(), db.spec().user(), db.spec().password())
                .locations("filesystem:" + dir)
                .mixed(true);
        noTransactionalLock(c);
        if (target != null) {
            c = c.target(target);
        }
        return c.load();
    }

    /** Flyway's transactional lock would make its own CREATE INDEX CONCURRENTLY wait for it forever. */
    private static void noTransactionalLock(org.flywaydb.core.api.configuration.FluentConfiguration c) {
        c.getConfigurationExtension(org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    }

    private Bulwark bulwark() {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(2), null, Duration.ofSeconds(5), null);
        return Bulwark.open(c, db.spec(), Listener.SILENT);
    }

    private static String summary(MigrationInfo[] infos) {
        return String.join("\n", Arrays.stream(infos)
                .map(i -> (i.getVersion() == null ? "R" : i.getVersion().getVersion()) + " " + i.getDescription() + " " + i.getState()
                        + " " + i.getType() + " " + i.getChecksum() + " " + i.getScript())
                .toList());
    }

    @Test
    void whatBulwarkAppliesFlywayValidatesAndListsAsSuccess() {
        try (Bulwark b = bulwark()) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(6);
        }
        Flyway f = flyway(null);
        ValidateResult v = f.validateWithResult();
        assertThat(v.validationSuccessful).as(String.valueOf(v.invalidMigrations)).isTrue();
        MigrationInfo[] all = f.info().all();
        assertThat(all).as(summary(all)).hasSize(6)
                .allSatisfy(i -> assertThat(i.getState()).isEqualTo(org.flywaydb.core.api.MigrationState.SUCCESS));
        assertThat(f.info().pending()).isEmpty();
        // and Flyway's own migrate has nothing to do
        assertThat(f.migrate().migrationsExecuted).isZero();
    }

    @Test
    void whatFlywayAppliedBulwarkShowsAppliedAndMigrateAppliesOnlyTheRest() {
        // Flyway runs repeatables whatever the target
        assertThat(flyway("1.1").migrate().migrationsExecuted).isEqualTo(3);
        try (Bulwark b = bulwark()) {
            List<MigrationStatus> s = b.status();
            assertThat(s).extracting(MigrationStatus::id, MigrationStatus::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("1", MigrationState.APPLIED),
                    org.assertj.core.groups.Tuple.tuple("1.1", MigrationState.APPLIED),
                    org.assertj.core.groups.Tuple.tuple("2", MigrationState.PENDING),
                    org.assertj.core.groups.Tuple.tuple("3", MigrationState.PENDING),
                    org.assertj.core.groups.Tuple.tuple("10", MigrationState.PENDING),
                    org.assertj.core.groups.Tuple.tuple("users view", MigrationState.APPLIED));
            assertThat(b.migrate(null, false, false).applied()).hasSize(3);
        }
        Flyway f = flyway(null);
        ValidateResult v = f.validateWithResult();
        assertThat(v.validationSuccessful).as(String.valueOf(v.invalidMigrations)).isTrue();
        MigrationInfo[] all = f.info().all();
        assertThat(all).as(summary(all)).hasSize(6)
                .allSatisfy(i -> assertThat(i.getState()).isEqualTo(org.flywaydb.core.api.MigrationState.SUCCESS));
        assertThat(TestRows.list(db, "SELECT installed_rank, version FROM flyway_schema_history ORDER BY 1")).extracting(r -> r.get(1))
                .containsExactly("1", "1.1", null, "2", "3", "10");
    }

    @Test
    void aRepeatableFlywayAppliedThenEditedIsRunAgainByBulwarkAndFlywayAgrees() throws IOException {
        assertThat(flyway(null).migrate().migrationsExecuted).isEqualTo(6);
        write("R__users_view.sql", "CREATE OR REPLACE VIEW user_emails AS SELECT id, email, name FROM users;\n");
        try (Bulwark b = bulwark()) {
            assertThat(b.status()).filteredOn(x -> x.id().equals("users view")).extracting(MigrationStatus::state)
                    .containsExactly(MigrationState.OUTDATED);
            assertThat(b.migrate(null, false, false).applied()).hasSize(1);
        }
        Flyway f = flyway(null);
        assertThat(f.validateWithResult().validationSuccessful).isTrue();
        assertThat(f.info().pending()).isEmpty();
    }

    @Test
    void aBaselineFlywayWroteCoversTheVersionsUpToIt() {
        var c = Flyway.configure().dataSource(db.spec().jdbcUrl(), db.spec().user(), db.spec().password())
                .locations("filesystem:" + dir).baselineVersion("1.1");
        noTransactionalLock(c);
        c.load().baseline();
        try (Bulwark b = bulwark()) {
            assertThat(b.status()).extracting(MigrationStatus::state).startsWith(MigrationState.APPLIED, MigrationState.APPLIED,
                    MigrationState.PENDING);
        }
    }
}
