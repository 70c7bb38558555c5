package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrateIT {
    @TempDir
    Path tmp;
    TestDatabase db;
    TestProject project;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("migrate");
        project = new TestProject(tmp)
                .write("0001_customers.sql", bulwark("CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);",
                        "DROP TABLE customers;"))
                .write("0002_orders.sql", bulwark("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);\n"
                        + "INSERT INTO customers VALUES (1, 'a@example.com'), (2, 'b@example.com');", "DROP TABLE orders;\nDELETE FROM customers;"));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static MigrationState state(List<MigrationStatus> s, String id) {
        return s.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow().state();
    }

    @Test
    void appliesPendingMigrationsAndRecordsThemInHistory() {
        try (Bulwark b = project.open(db.spec())) {
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).extracting(Applied::id).containsExactly("0001", "0002");
            assertThat(r.current()).isEqualTo("0002");
            assertThat(b.status()).extracting(MigrationStatus::state).containsOnly(MigrationState.APPLIED);
            List<HistoryEntry> h = b.history();
            assertThat(h).extracting(HistoryEntry::version).containsExactly("0001", "0002");
            HistoryEntry second = h.get(1);
            assertThat(second.status()).isEqualTo(HistoryEntry.Status.SUCCESS);
            assertThat(second.statements()).isEqualTo(2);
            assertThat(second.rowsAffected()).isEqualTo(2L);
            assertThat(second.upSha256()).hasSize(64);
            assertThat(second.appliedBy()).isEqualTo("postgres");
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM customers")).isEqualTo("2");
    }

    @Test
    void secondMigrateHasNothingToDo() {
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThat(b.migrate(null, false, false).applied()).isEmpty();
        }
    }

    @Test
    void dryRunPrintsSettingsAndStatementsInOrderAndChangesNothing() {
        try (Bulwark b = project.open(db.spec())) {
            MigrateResult r = b.migrate(null, true, false);
            assertThat(r.applied()).isEmpty();
            assertThat(r.dryRunSql()).containsSubsequence(
                    "SET lock_timeout = '300ms';", "BEGIN;",
                    "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);", "COMMIT;",
                    "SET lock_timeout = '300ms';", "BEGIN;",
                    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);", "COMMIT;");
        }
        assertThat(Sql.tableExists(db.spec(), "customers")).isFalse();
        assertThat(Sql.tableExists(db.spec(), "bulwark_history")).isFalse();
    }

    @Test
    void migrateToStopsAfterTheGivenVersion() {
        try (Bulwark b = project.open(db.spec())) {
            assertThat(b.migrate("0001", false, false).applied()).extracting(Applied::id).containsExactly("0001");
            assertThat(state(b.status(), "0002")).isEqualTo(MigrationState.PENDING);
        }
    }

    @Test
    void failingTransactionalMigrationRollsBackEverythingItDid() {
        project.write("0003_broken.sql", bulwark("CREATE TABLE audit (id int);\nALTER TABLE nope ADD COLUMN x int;", "DROP TABLE audit;"));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_ROLLED_BACK))
                    .hasMessageContaining("0003_broken.sql:3:1")
                    .hasMessageContaining("relation \"nope\" does not exist")
                    .hasMessageContaining("the database is at 0002");
            assertThat(state(b.status(), "0003")).isEqualTo(MigrationState.PENDING);
        }
        assertThat(Sql.tableExists(db.spec(), "audit")).isFalse();
    }

    @Test
    void syntaxErrorInALaterFileIsReportedBeforeAnythingRuns() {
        project.write("0003_unterminated.sql", bulwark("INSERT INTO customers VALUES (3, 'oops);", null));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .hasMessageContaining("0003_unterminated.sql:2");
        }
        assertThat(Sql.tableExists(db.spec(), "customers")).isFalse();
    }

    @Test
    void editedAfterApplyIsDetectedAndRefused() {
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
        }
        project.write("0001_customers.sql", bulwark("CREATE TABLE customers (id bigint PRIMARY KEY, email text);", "DROP TABLE customers;"))
                .write("0003_more.sql", bulwark("CREATE TABLE more (id int);", "DROP TABLE more;"));
        try (Bulwark b = project.open(db.spec())) {
            assertThat(state(b.status(), "0001")).isEqualTo(MigrationState.EDITED);
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .hasMessageContaining("0001 was edited after it was applied");
            assertThat(Sql.tableExists(db.spec(), "more")).isFalse();
            // repair accepts the edit
            b.repair(b.planRepair());
            assertThat(state(b.status(), "0001")).isEqualTo(MigrationState.APPLIED);
        }
    }

    @Test
    void rollbackRunsDownsInReverseOrder() {
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            MigrateResult r = b.rollback(2, null, false);
            assertThat(r.applied()).extracting(Applied::id).containsExactly("0002", "0001");
            assertThat(r.current()).isNull();
            assertThat(b.status()).extracting(MigrationStatus::state).containsOnly(MigrationState.PENDING);
        }
        assertThat(Sql.tableExists(db.spec(), "customers")).isFalse();
    }

    @Test
    void rollbackRefusesBeforeTouchingAnythingWhenAMigrationInRangeHasNoDown() {
        project.write("0003_no_down.sql", bulwark("CREATE TABLE third (id int);", null));
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThatThrownBy(() -> b.rollback(null, "0001", false))
                    .isInstanceOf(BulwarkException.class)
                    .hasMessageContaining("0003")
                    .hasMessageContaining("no down")
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.USAGE));
            assertThat(b.status()).extracting(MigrationStatus::state).containsOnly(MigrationState.APPLIED);
        }
        assertThat(Sql.tableExists(db.spec(), "third")).isTrue();
        assertThat(Sql.tableExists(db.spec(), "orders")).isTrue();
    }

    @Test
    void baselineAdoptsAnExistingDatabase() {
        Sql.exec(db.spec(), "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL)");
        try (Bulwark b = project.open(db.spec())) {
            b.baseline("0001", "adopted");
            assertThat(state(b.status(), "0001")).isEqualTo(MigrationState.BASELINE);
            assertThat(b.migrate(null, false, false).applied()).extracting(Applied::id).containsExactly("0002");
            assertThatThrownBy(() -> b.baseline("0002", "again")).hasMessageContaining("already records applied migrations");
        }
    }
}
