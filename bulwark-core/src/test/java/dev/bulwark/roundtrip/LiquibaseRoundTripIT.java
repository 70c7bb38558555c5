package dev.bulwark.roundtrip;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.Listener;
import dev.bulwark.migration.LiquibaseReader;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.testing.TestDatabase;
import dev.bulwark.testing.TestRows;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real Liquibase (liquibase-core 4.33.0) and Bulwark share one database and one
 * DATABASECHANGELOG: what Bulwark applies, Liquibase's status lists as run and its validate accepts
 * (so the checksums match); what Liquibase applied, Bulwark shows applied and does not run again.
 */
class LiquibaseRoundTripIT {
    @TempDir
    Path project;
    TestDatabase db;
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        db = TestDatabase.create("liquibasert");
        dir = project.resolve("migrations");
        Files.createDirectories(dir);
        Path fixture = Path.of("src/test/resources/migrations/liquibase/sql/changelog.sql");
        Files.copy(fixture, dir.resolve("changelog.sql"));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Bulwark bulwark() {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(2), null, Duration.ofSeconds(5), null);
        return Bulwark.open(c, db.spec(), Listener.SILENT);
    }

    private void liquibase(String changelog, Consumer<Liquibase> use) {
        try (Connection c = db.open()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            try (Liquibase lb = new Liquibase(changelog, new DirectoryResourceAccessor(dir), database)) {
                use.accept(lb);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void formattedSqlChangesetsAreReadWithTheirAttributesAndRollbacks() {
        List<Migration> ms = MigrationSources.read(dir, null).migrations();
        assertThat(MigrationSources.detect(dir)).isEqualTo(MigrationFormat.LIQUIBASE);
        // carol:6 is for Oracle only: Liquibase skips it on PostgreSQL, and so does Bulwark
        assertThat(ms).extracting(Migration::toolName).containsExactly("changelog.sql::1::alice", "changelog.sql::2::alice",
                "changelog.sql::3::bob", "changelog.sql::4::bob", "changelog.sql::orders-5::carol");
        assertThat(ms.get(1).options().transactional()).isFalse();
        assertThat(ms.get(0).down().sql()).contains("DROP TABLE users;");
        assertThat(ms.get(4).down().sql()).contains("DROP TABLE orders;");
        assertThat(ms.get(3).up().sql()).doesNotContain("\n/\n").contains("ALTER TABLE users ADD COLUMN name text\n;");
        assertThat(ms.get(4).toolData()).containsEntry(LiquibaseReader.CONTEXTS, "prod").containsEntry(LiquibaseReader.LABELS, "v2");
    }

    @Test
    void whatBulwarkAppliesLiquibaseListsAsRunAndValidates() {
        try (Bulwark b = bulwark()) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(5);
        }
        // Bulwark wrote the 9: checksums itself (validate alone would also pass on NULL ones, which Liquibase accepts)
        assertThat(TestRows.list(db, "SELECT md5sum FROM databasechangelog ORDER BY orderexecuted")).extracting(r -> r.get(0))
                .allSatisfy(sum -> assertThat(sum).startsWith("9:"))
                .containsExactlyElementsOf(MigrationSources.read(dir, null).migrations().stream()
                        .map(m -> m.toolData().get(LiquibaseReader.MD5SUM)).toList());
        liquibase("changelog.sql", lb -> {
            assertThat(unchecked(() -> lb.listUnrunChangeSets(new Contexts(), new LabelExpression()))).isEmpty();
            unchecked(() -> {
                lb.validate();
                return null;
            });
        });
        assertThat(TestRows.list(db, "SELECT id, author, filename, orderexecuted, exectype, description, comments, liquibase,"
                + " contexts, labels, length(deployment_id) FROM databasechangelog ORDER BY orderexecuted"))
                .containsExactly(
                        listOf("1", "alice", "changelog.sql", "1", "EXECUTED", "sql", "the users table", "4.33.0", null, null, "10"),
                        listOf("2", "alice", "changelog.sql", "2", "EXECUTED", "sql", "", "4.33.0", null, null, "10"),
                        listOf("3", "bob", "changelog.sql", "3", "EXECUTED", "sql", "", "4.33.0", null, null, "10"),
                        listOf("4", "bob", "changelog.sql", "4", "EXECUTED", "sql", "", "4.33.0", null, null, "10"),
                        listOf("orders-5", "carol", "changelog.sql", "5", "EXECUTED", "sql", "", "4.33.0", "prod", "v2", "10"));
        assertThat(TestRows.list(db, "SELECT locked FROM databasechangeloglock")).containsExactly(List.of("f"));
        // Liquibase's own update has nothing left to do
        liquibase("changelog.sql", lb -> unchecked(() -> {
            lb.update(new Contexts(), new LabelExpression());
            return null;
        }));
        assertThat(TestRows.list(db, "SELECT count(*) FROM databasechangelog")).containsExactly(List.of("5"));
    }

    private static List<String> listOf(String... values) {
        return java.util.Arrays.asList(values);
    }

    @Test
    void whatLiquibaseAppliedBulwarkShowsAppliedAndMigrateRunsOnlyTheRest() {
        liquibase("changelog.sql", lb -> unchecked(() -> {
            lb.update(2, new Contexts(), new LabelExpression());
            return null;
        }));
        List<List<String>> written = TestRows.list(db, "SELECT md5sum FROM databasechangelog ORDER BY orderexecuted");
        List<Migration> ms = MigrationSources.read(dir, null).migrations();
        // the checksums Liquibase wrote are the ones Bulwark computes
        assertThat(written).extracting(r -> r.get(0))
                .containsExactly(ms.get(0).toolData().get(LiquibaseReader.MD5SUM), ms.get(1).toolData().get(LiquibaseReader.MD5SUM));
        try (Bulwark b = bulwark()) {
            assertThat(b.status()).extracting(MigrationStatus::state).containsExactly(MigrationState.APPLIED, MigrationState.APPLIED,
                    MigrationState.PENDING, MigrationState.PENDING, MigrationState.PENDING);
            assertThat(b.migrate(null, false, false).applied()).hasSize(3);
        }
        liquibase("changelog.sql", lb -> {
            assertThat(unchecked(() -> lb.listUnrunChangeSets(new Contexts(), new LabelExpression()))).isEmpty();
            unchecked(() -> {
                lb.validate();
                return null;
            });
        });
        assertThat(TestRows.list(db, "SELECT id, orderexecuted FROM databasechangelog ORDER BY orderexecuted"))
                .extracting(r -> r.get(0)).containsExactly("1", "2", "3", "4", "orders-5");
    }

    @Test
    void theChecksumsOfEveryChangesetAreLiquibasesOwn() {
        liquibase("changelog.sql", lb -> unchecked(() -> {
            lb.update(new Contexts(), new LabelExpression());
            return null;
        }));
        List<Migration> ms = MigrationSources.read(dir, null).migrations();
        assertThat(TestRows.list(db, "SELECT md5sum FROM databasechangelog ORDER BY orderexecuted")).extracting(r -> r.get(0))
                .containsExactlyElementsOf(ms.stream().map(m -> m.toolData().get(LiquibaseReader.MD5SUM)).toList());
    }

    @Test
    void aLockHeldByLiquibaseIsRespectedAndNothingRuns() {
        liquibase("changelog.sql", lb -> unchecked(() -> {
            lb.update(1, new Contexts(), new LabelExpression());
            return null;
        }));
        TestRows.exec(db, "UPDATE databasechangeloglock SET locked = true, lockgranted = now(), lockedby = 'ci-runner (10.0.0.7)'");
        try (Bulwark b = bulwark()) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .hasMessageContaining("ci-runner (10.0.0.7)")
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.LOCK_NOT_ACQUIRED));
        }
        assertThat(TestRows.list(db, "SELECT count(*) FROM databasechangelog")).containsExactly(List.of("1"));
        assertThat(TestRows.list(db, "SELECT to_regclass('public.users') IS NOT NULL, to_regclass('public.orders') IS NULL"))
                .containsExactly(List.of("t", "t"));
    }

    @Test
    void aLockLeftByAKilledBulwarkRunIsTakenOver() {
        TestRows.exec(db, "CREATE TABLE databasechangeloglock (id int PRIMARY KEY, locked boolean NOT NULL, lockgranted timestamp,"
                + " lockedby varchar(255))");
        TestRows.exec(db, "INSERT INTO databasechangeloglock VALUES (1, true, now(), 'bulwark on somewhere, backend 999999')");
        try (Bulwark b = bulwark()) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(5);
        }
        assertThat(TestRows.list(db, "SELECT locked, lockedby FROM databasechangeloglock")).containsExactly(listOf("f", null));
    }
}
