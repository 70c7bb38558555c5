package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of a run in the middle of a migration, in a separate JVM. */
class KillIT {
    @TempDir
    Path tmp;
    TestDatabase db;
    TestProject project;

    /** The migrations sleep as long as pause.seconds says, so the test can kill them mid-way and later let them finish. */
    private static final String SLEEP = "SELECT pg_sleep((SELECT seconds FROM pause));";

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("kill");
        Sql.exec(db.spec(), "CREATE TABLE pause (seconds int); INSERT INTO pause VALUES (60)");
        project = new TestProject(tmp).write("0001_base.sql", bulwark("CREATE TABLE base (id int);", "DROP TABLE base;"));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void killDuringSleep() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MigrateMain.class.getName(),
                tmp.toString(), db.spec().jdbcUrl(), db.spec().user());
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile());
        Process child = pb.start();
        try {
            for (int i = 0; i < 300 && !sleeping(); i++) {
                assertThat(child.isAlive()).as("child exited early, see " + tmp.resolve("child.log")).isTrue();
                Thread.sleep(100);
            }
            assertThat(sleeping()).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            child.waitFor(10, TimeUnit.SECONDS);
        }
        // client_connection_check_interval lets the server notice the dead client and end the statement
        for (int i = 0; i < 100 && sleeping(); i++) {
            Thread.sleep(100);
        }
        assertThat(sleeping()).as("server still runs the killed run's statement").isFalse();
    }

    private boolean sleeping() {
        return !"0".equals(Sql.value(db.spec(), "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%' AND state = 'active'"));
    }

    private static MigrationStatus status(List<MigrationStatus> s, String id) {
        return s.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void killedTransactionalMigrationLeavesThePreviousVersionAndUsableHistory() throws Exception {
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
        }
        project.write("0002_slow.sql", bulwark("CREATE TABLE half (id int);\n" + SLEEP, "DROP TABLE half;"));
        killDuringSleep();
        assertThat(Sql.tableExists(db.spec(), "half")).isFalse();
        Sql.exec(db.spec(), "UPDATE pause SET seconds = 0");
        try (Bulwark b = project.open(db.spec())) {
            assertThat(status(b.status(), "0001").state()).isEqualTo(MigrationState.APPLIED);
            assertThat(status(b.status(), "0002").state()).isEqualTo(MigrationState.PENDING);
            assertThat(b.history()).extracting(HistoryEntry::version).containsExactly("0001");
            // the killed run's advisory lock went with its connection: this run gets it at once
            assertThat(b.migrate(null, false, false).applied()).extracting(Applied::id).containsExactly("0002");
        }
    }

    @Test
    void killedNonTransactionalMigrationResumesAtTheInterruptedStatement() throws Exception {
        project.write("0002_steps.sql", "-- bulwark:no-transaction\n" + bulwark(
                "CREATE TABLE step_one (id int);\n" + SLEEP + "\nCREATE TABLE step_three (id int);", null));
        killDuringSleep();
        assertThat(Sql.tableExists(db.spec(), "step_one")).isTrue();
        assertThat(Sql.tableExists(db.spec(), "step_three")).isFalse();
        Sql.exec(db.spec(), "UPDATE pause SET seconds = 0");
        try (Bulwark b = project.open(db.spec())) {
            MigrationStatus s = status(b.status(), "0002");
            assertThat(s.state()).isEqualTo(MigrationState.FAILED);
            assertThat(s.detail()).contains("interrupted at statement 2 of 3");
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).extracting(Applied::resumedFrom).containsExactly(1);
            assertThat(status(b.status(), "0002").state()).isEqualTo(MigrationState.APPLIED);
            // the killed run's row is not left 'running'
            assertThat(b.history()).filteredOn(h -> h.version().equals("0002")).extracting(HistoryEntry::status)
                    .containsExactly(HistoryEntry.Status.INTERRUPTED, HistoryEntry.Status.SUCCESS);
        }
        assertThat(Sql.tableExists(db.spec(), "step_three")).isTrue();
    }
}
