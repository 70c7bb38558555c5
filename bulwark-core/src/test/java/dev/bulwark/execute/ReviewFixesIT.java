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
import java.sql.Connection;
import java.util.List;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resume points, index cleanup and rollback planning at their edges. */
class ReviewFixesIT {
    @TempDir
    Path tmp;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("edges");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static MigrationState state(List<MigrationStatus> s, String id) {
        return s.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow().state();
    }

    @Test
    void failedTransactionalStepResumesAtItsFirstStatementNotAtTheFailedOne() {
        TestProject p = new TestProject(tmp).write("0001_mixed.sql", bulwark(
                "CREATE TABLE t (id int PRIMARY KEY);\n"
                        + "CREATE INDEX CONCURRENTLY t_id ON t (id);\n"
                        + "INSERT INTO t VALUES (1);\n"
                        + "INSERT INTO missing VALUES (2);", null));
        try (Bulwark b = p.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_NOT_ROLLED_BACK))
                    .hasMessageContaining("statement 4 of 4")
                    .satisfies(e -> assertThat(((BulwarkException) e).fix()).contains("resume at statement 3"));
            assertThat(b.history().get(0).resumeFrom()).isEqualTo(2);
        }
        Sql.exec(db.spec(), "CREATE TABLE missing (id int)");
        try (Bulwark b = p.open(db.spec())) {
            assertThat(b.migrate(null, false, false).applied().get(0).resumedFrom()).isEqualTo(2);
        }
        // the INSERT rolled back with its step ran again on resume
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM t")).isEqualTo("1");
    }

    @Test
    void failedStatementNeverDropsAnotherTablesInvalidIndex() throws Exception {
        Sql.exec(db.spec(), "CREATE TABLE other (v int); INSERT INTO other VALUES (1), (1)");
        try (Connection c = db.open(); var s = c.createStatement()) {
            s.execute("CREATE UNIQUE INDEX CONCURRENTLY other_v_key ON other (v)");
        } catch (Exception expected) {
            // leaves other_v_key INVALID: someone else's problem, not Bulwark's to drop
        }
        TestProject p = new TestProject(tmp).write("0001_steps.sql", "-- bulwark:no-transaction\n" + bulwark(
                "CREATE TABLE mine (v int);\nINSERT INTO mine VALUES (1), (1);\nCREATE UNIQUE INDEX CONCURRENTLY mine_v_key ON mine (v);", null));
        try (Bulwark b = p.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOf(BulwarkException.class);
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_class WHERE relname = 'other_v_key'")).isEqualTo("1");
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_class WHERE relname = 'mine_v_key'")).isEqualTo("0");
    }

    @Test
    void reindexConcurrentlyNeverDropsTheIndexItRebuilds() {
        Sql.exec(db.spec(), "CREATE TABLE r (v int); CREATE INDEX r_v ON r (v)");
        TestProject p = new TestProject(tmp).write("0001_reindex.sql", bulwark("REINDEX INDEX CONCURRENTLY r_v;", null));
        try (Bulwark b = p.open(db.spec())) {
            b.migrate(null, false, false);
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'r_v' AND i.indisvalid"))
                .isEqualTo("1");
    }

    @Test
    void rollbackAfterAFailedDownFinishesThatDownOnly() {
        TestProject p = new TestProject(tmp)
                .write("0001_a.sql", bulwark("CREATE TABLE a (id int);", "DROP TABLE a;"))
                .write("0002_b.sql", "-- bulwark:no-transaction\n" + bulwark("CREATE TABLE b (id int);\nCREATE TABLE c (id int);",
                        "DROP TABLE c;\nDROP TABLE nope;\nDROP TABLE b;"));
        try (Bulwark b = p.open(db.spec())) {
            b.migrate(null, false, false);
        }
        try (Bulwark b = p.open(db.spec())) {
            assertThatThrownBy(() -> b.rollback(1, null, false))
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_NOT_ROLLED_BACK));
        }
        Sql.exec(db.spec(), "CREATE TABLE nope (id int)");
        try (Bulwark b = p.open(db.spec())) {
            MigrateResult r = b.rollback(1, null, false);
            assertThat(r.applied()).extracting(Applied::id).containsExactly("0002");
            assertThat(state(b.status(), "0001")).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.tableExists(db.spec(), "a")).isTrue();
        assertThat(Sql.tableExists(db.spec(), "b")).isFalse();
    }

    @Test
    void rollbackRefusesUnderneathAHalfAppliedMigration() {
        TestProject p = new TestProject(tmp)
                .write("0001_a.sql", bulwark("CREATE TABLE a (id int);", "DROP TABLE a;"))
                .write("0002_b.sql", "-- bulwark:no-transaction\n" + bulwark("CREATE TABLE b (id int);\nINSERT INTO nope VALUES (1);", "DROP TABLE b;"));
        try (Bulwark b = p.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOf(BulwarkException.class);
            assertThat(state(b.status(), "0002")).isEqualTo(MigrationState.FAILED);
            assertThatThrownBy(() -> b.rollback(1, null, false))
                    .hasMessageContaining("cannot roll back underneath 0002 (failed)");
            assertThat(b.history()).extracting(HistoryEntry::kind).doesNotContain(HistoryEntry.Kind.DOWN);
        }
        assertThat(Sql.tableExists(db.spec(), "a")).isTrue();
    }
}
