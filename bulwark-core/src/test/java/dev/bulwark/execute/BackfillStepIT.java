package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code -- bulwark:backfill} step: run by migrate in batches, resumed after a failure, refused when malformed. */
class BackfillStepIT {
    @TempDir
    Path tmp;
    TestDatabase db;
    TestProject project;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("backfill_step");
        Sql.exec(db.spec(), "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, d int NOT NULL DEFAULT 1);"
                + "INSERT INTO items (id) SELECT g FROM generate_series(1, 3000) g");
        project = new TestProject(tmp);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void aTransactionalMigrationRunsItsBackfillStepInBatchesBetweenItsOtherStatements() {
        project.write("0001_expand.sql", bulwark("""
                ALTER TABLE items ADD COLUMN n_new bigint;
                -- bulwark:backfill
                UPDATE items SET n_new = id * 2;
                CREATE TABLE after_backfill (id int);
                """, null));
        try (Bulwark b = project.open(db.spec())) {
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).hasSize(1);
            assertThat(r.applied().get(0).rowsAffected()).isEqualTo(3000);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
            assertThat(b.history()).extracting(HistoryEntry::status).containsExactly(HistoryEntry.Status.SUCCESS);
        }
        assertThat(project.info).anyMatch(l -> l.contains("backfill in batches")).anyMatch(l -> l.contains("by key ranges of id"))
                .anyMatch(l -> l.contains("backfill of items done: 3000 rows in"));
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM items WHERE n_new = id * 2")).isEqualTo("3000");
        assertThat(Sql.tableExists(db.spec(), "after_backfill")).isTrue();
        // the progress row lives only while the step is unfinished
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM bulwark_backfill")).isEqualTo("0");
    }

    @Test
    void aBackfillStepThatFailsPartWayResumesAfterItsLastBatchAndUpdatesEveryRowOnce() {
        Sql.exec(db.spec(), "UPDATE items SET d = 0 WHERE id = 2500");
        project.write("0001_bump.sql", bulwark("""
                CREATE TABLE before_backfill (id int);
                -- bulwark:backfill
                UPDATE items SET n = n + 1 / d;
                """, null));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOfSatisfying(BulwarkException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FAILED_NOT_ROLLED_BACK);
                assertThat(e.getMessage()).contains("division by zero").contains("the committed batches stay done");
            });
        }
        long partial = Long.parseLong(Sql.value(db.spec(), "SELECT count(*) FROM items WHERE n = 1"));
        assertThat(partial).isPositive().isLessThan(2500);
        assertThat(Sql.value(db.spec(), "SELECT rows_done FROM bulwark_backfill")).isEqualTo(Long.toString(partial));
        Sql.exec(db.spec(), "UPDATE items SET d = 1");
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(project.info).anyMatch(l -> l.startsWith("resuming the backfill of items after batch"));
        assertThat(Sql.value(db.spec(), "SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM bulwark_backfill")).isEqualTo("0");
    }

    @Test
    void aStaleProgressRowOfAnEarlierApplicationIsNotResumed() {
        project.write("0001_bump.sql", bulwark("-- bulwark:backfill\nUPDATE items SET n = n + 1;", "UPDATE items SET n = n - 1;"));
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            b.rollback(1, null, false);
            b.migrate(null, false, false);
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
    }

    @Test
    void aBackfillLineBeforeAnythingButAPlainUpdateIsRefusedBeforeAnythingRuns() {
        project.write("0001_bad.sql", bulwark("CREATE TABLE first (id int);\n-- bulwark:backfill\nDELETE FROM items WHERE id < 10;", null));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOfSatisfying(BulwarkException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                assertThat(e.getMessage()).contains("0001_bad.sql:4").contains("must be followed by an UPDATE");
            });
        }
        project.write("0001_bad.sql", bulwark("CREATE TABLE first (id int);\n-- bulwark:backfill\nUPDATE items SET n = 1 FROM first;", null));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).hasMessageContaining("cannot be split into batches");
        }
        project.write("0001_bad.sql", bulwark("CREATE TABLE first (id int);\n-- bulwark:backfill now", null));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).hasMessageContaining("takes no value");
        }
        assertThat(Sql.tableExists(db.spec(), "first")).isFalse();
    }

    @Test
    void dryRunShowsTheBackfillStep() {
        project.write("0001_expand.sql", bulwark("ALTER TABLE items ADD COLUMN x int;\n-- bulwark:backfill\nUPDATE items SET x = id;", null));
        try (Bulwark b = project.open(db.spec())) {
            MigrateResult r = b.migrate(null, true, false);
            assertThat(String.join("\n", r.dryRunSql())).contains("-- backfill: in batches by primary key")
                    .contains("UPDATE items SET x = id;");
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'x'"))
                .isEqualTo("0");
    }
}
