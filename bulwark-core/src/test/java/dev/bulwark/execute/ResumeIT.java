package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.history.HistoryEntry.Status;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a resume does after a run was killed part way: the state a kill leaves is written into
 * history the way a killed run leaves it (a row still 'running' at the statement it was
 * executing), and the database as the server left it.
 */
class ResumeIT {
    @TempDir
    Path tmp;
    TestDatabase db;
    TestProject project;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("resume");
        Sql.exec(db.spec(), "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);"
                + "INSERT INTO items SELECT g, 0 FROM generate_series(1, 100) g");
        project = new TestProject(tmp);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Applies nothing; creates the history table with one row of a run killed at statement {@code at}. */
    private long killedRunAt(String version, String description, String upSha, int at, int statements) {
        try (Bulwark b = project.open(db.spec())) {
            b.status();
        }
        Sql.exec(db.spec(), new dev.bulwark.history.HistoryTable("public").createSql());
        try (Connection c = db.spec().open("bulwark-test");
             PreparedStatement ps = c.prepareStatement("INSERT INTO bulwark_history (version, description, kind, up_sha256, host,"
                     + " started_at, statements, status, resume_from) VALUES (?, ?, 'versioned', ?, 'h', ?, ?, 'running', ?) RETURNING id")) {
            ps.setString(1, version);
            ps.setString(2, description);
            ps.setString(3, upSha);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.setInt(5, statements);
            ps.setInt(6, at);
            var rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String sha(String file) {
        try (Bulwark b = project.open(db.spec())) {
            return b.migrations().migrations().stream().filter(m -> m.location().getFileName().toString().equals(file))
                    .findFirst().orElseThrow().up().sha256();
        }
    }

    @Test
    void noTransactionStatementsCommitWithTheirProgressSoAResumeNeverRunsOneTwice() {
        project.write("0001_bump.sql", "-- bulwark:no-transaction\n" + bulwark(
                "UPDATE items SET qty = qty + 1;\nUPDATE items SET qty = qty + 10;\nUPDATE items SET qty = qty + 100;", null));
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            // one transaction per statement, each with its progress record
            assertThat(project.info).anySatisfy(l -> assertThat(l).contains("0 statements outside a transaction, 3 transactions"));
        }
        assertThat(Sql.value(db.spec(), "SELECT sum(qty) FROM items")).isEqualTo("11100");
    }

    @Test
    void resumedRunMarksTheKilledRunsRowInterruptedAndResumesWhereItStopped() {
        project.write("0001_bump.sql", "-- bulwark:no-transaction\n" + bulwark(
                "UPDATE items SET qty = qty + 1;\nUPDATE items SET qty = qty + 10;", null));
        // the killed run committed statement 1 with its progress (resume_from 1)
        Sql.exec(db.spec(), "UPDATE items SET qty = qty + 1");
        long killed = killedRunAt("0001", "bump", sha("0001_bump.sql"), 1, 2);
        try (Bulwark b = project.open(db.spec())) {
            assertThat(b.status().get(0).detail()).contains("interrupted at statement 2 of 2");
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).extracting(Applied::resumedFrom).containsExactly(1);
            List<HistoryEntry> h = b.history();
            assertThat(h).extracting(HistoryEntry::status).containsExactly(Status.INTERRUPTED, Status.SUCCESS);
            assertThat(h.get(0).id()).isEqualTo(killed);
            assertThat(h.get(0).error()).contains("resumed by history #" + h.get(1).id());
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.value(db.spec(), "SELECT sum(qty) FROM items")).isEqualTo("1100");
    }

    @Test
    void concurrentBuildThatFinishedAfterTheKillIsRecordedAsDoneNotRunAgain() {
        project.write("0001_idx.sql", "-- bulwark:no-transaction\n" + bulwark(
                "CREATE INDEX CONCURRENTLY items_qty ON items (qty) WHERE qty >= 0;\nUPDATE items SET qty = qty + 1;", null));
        // the server finished the build after the client was killed
        Sql.exec(db.spec(), "CREATE INDEX items_qty ON items (qty) WHERE qty >= 0");
        killedRunAt("0001", "idx", sha("0001_idx.sql"), 0, 2);
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThat(project.warnings).anySatisfy(l -> assertThat(l).contains("it took effect")
                    .contains("exists, is valid and has the statement's definition"));
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.value(db.spec(), "SELECT sum(qty) FROM items")).isEqualTo("100");
    }

    @Test
    void invalidIndexOfAKilledBuildIsDroppedAndBuiltAgain() throws Exception {
        project.write("0001_idx.sql", "-- bulwark:no-transaction\n" + bulwark("CREATE UNIQUE INDEX CONCURRENTLY items_qty ON items (qty);", null));
        // a build that fails part way leaves its index INVALID, as a terminated one does
        Sql.exec(db.spec(), "UPDATE items SET qty = id");
        Sql.exec(db.spec(), "INSERT INTO items VALUES (1000, 1)");
        assertThatThrownBy(() -> Sql.exec(db.spec(), "CREATE UNIQUE INDEX CONCURRENTLY items_qty ON items (qty)"));
        Sql.exec(db.spec(), "DELETE FROM items WHERE id = 1000");
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).isEqualTo("1");
        killedRunAt("0001", "idx", sha("0001_idx.sql"), 0, 1);
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid")).isEqualTo("0");
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_indexes WHERE indexname = 'items_qty'")).isEqualTo("1");
    }

    @Test
    void indexWithTheSameNameButAnotherDefinitionStopsTheResumeWithoutGuessing() {
        project.write("0001_idx.sql", "-- bulwark:no-transaction\n" + bulwark("CREATE INDEX CONCURRENTLY items_qty ON items (qty);", null));
        Sql.exec(db.spec(), "CREATE INDEX items_qty ON items (id)");
        killedRunAt("0001", "idx", sha("0001_idx.sql"), 0, 1);
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOfSatisfying(BulwarkException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_NOT_ROLLED_BACK);
                        assertThat(e.getMessage()).contains("was running when an earlier run was killed")
                                .contains("exists with another definition").doesNotContain("nothing of it was applied");
                        assertThat(e.fix()).contains("--step-done").contains("--rerun-step");
                    });
            // the user says it took effect
            b.onUncertainStep(step -> Migrator.StepDecision.DONE);
            b.migrate(null, false, false);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
    }

    @Test
    void droppedIndexIsDoneAndVacuumRunsAgain() {
        project.write("0001_drop.sql", "-- bulwark:no-transaction\n" + bulwark(
                "DROP INDEX CONCURRENTLY items_gone;\nVACUUM items;\nUPDATE items SET qty = qty + 1;", null));
        killedRunAt("0001", "drop", sha("0001_drop.sql"), 0, 3);
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThat(project.warnings).anySatisfy(l -> assertThat(l).contains("index items_gone is gone"));
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.value(db.spec(), "SELECT sum(qty) FROM items")).isEqualTo("100");
    }

    @Test
    void backendOfAKilledRunStillExecutingIsWaitedForThenTerminatedBeforeStateIsRead() throws Exception {
        project.write("0001_bump.sql", "-- bulwark:no-transaction\n" + bulwark("UPDATE items SET qty = qty + 1;", null));
        project.lockWait = Duration.ofSeconds(1);
        String table = new dev.bulwark.history.HistoryTable("public").qualifiedName();
        String name = RunSessions.applicationName(table, "deadbeef0001");
        CompletableFuture<Void> orphan = CompletableFuture.runAsync(() -> {
            try (Connection c = db.spec().open(name); java.sql.Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(60)");
            } catch (java.sql.SQLException expected) {
                // terminated
            }
        });
        for (int i = 0; i < 100 && !"1".equals(Sql.value(db.spec(),
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name + "' AND state = 'active'")); i++) {
            Thread.sleep(50);
        }
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
        }
        orphan.get();
        assertThat(project.warnings).anySatisfy(l -> assertThat(l).contains("still executing on the server").contains("deadbeef0001"));
        assertThat(project.warnings).anySatisfy(l -> assertThat(l).startsWith("terminated the earlier run's backend pid"));
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name + "'")).isEqualTo("0");
    }

    @Test
    void sessionsOfARunCarryItsRunIdAndAnotherProjectsRunsAreLeftAlone() throws Exception {
        String other = RunSessions.applicationName("\"elsewhere\".\"bulwark_history\"", "deadbeef0002");
        CompletableFuture<Void> foreign = CompletableFuture.runAsync(() -> {
            try (Connection c = db.spec().open(other); java.sql.Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(3)");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        project.write("0001_t.sql", bulwark("CREATE TABLE t (id int);", null));
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
            assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'bulwark/%' AND"
                    + " application_name <> '" + other + "'")).isEqualTo("1");
        }
        foreign.get(); // finished on its own: not terminated
        assertThat(project.warnings).noneSatisfy(l -> assertThat(l).contains("earlier"));
    }

    @Test
    void repairOfAFailedNoTransactionMigrationResumesAtTheFailedStatementNotTheFirst() {
        project.write("0001_steps.sql", "-- bulwark:no-transaction\n" + bulwark(
                "UPDATE items SET qty = qty + 1;\nINSERT INTO missing VALUES (1);\nUPDATE items SET qty = qty + 10;", null));
        try (Bulwark b = project.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false)).isInstanceOf(BulwarkException.class);
            List<Migrator.RepairAction> actions = b.planRepair();
            assertThat(actions).singleElement().satisfies(a -> assertThat(a.what()).contains("resumes at statement 2 of 3"));
            Sql.exec(db.spec(), "CREATE TABLE missing (id int)");
            b.repair(actions);
            assertThat(b.status().get(0).detail()).contains("resumes at statement 2");
            b.migrate(null, false, false);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.value(db.spec(), "SELECT sum(qty) FROM items")).isEqualTo("1100");
    }
}
