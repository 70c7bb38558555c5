package dev.bulwark.cli.crash;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A statement that must run alone outside a transaction and whose effect no catalog query can
 * show (here a DO block that commits): killed while it runs, the resume does not guess. It stops
 * with exit 5 and names --step-done and --rerun-step, and does what the user says.
 */
class UncertainStepCrashIT {
    @TempDir
    Path project;
    TestDatabase db;
    CrashHarness harness;

    @BeforeEach
    void setUp() throws IOException {
        db = TestDatabase.create("uncertain");
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("0001_marks.sql"), "-- bulwark:up\nCREATE TABLE marks (id int);\n");
        Files.writeString(m.resolve("0002_commits.sql"), """
                -- bulwark:no-transaction
                -- bulwark:up
                INSERT INTO marks VALUES (0);
                DO $$ BEGIN INSERT INTO marks VALUES (1); COMMIT; PERFORM pg_sleep(0.3); INSERT INTO marks VALUES (2); END $$;
                INSERT INTO marks VALUES (3);
                """);
        harness = new CrashHarness(project);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    private List<Integer> marks() throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(array_agg(id ORDER BY id)::text, '{}') FROM marks")) {
            rs.next();
            String a = rs.getString(1).replaceAll("[{}]", "");
            return a.isEmpty() ? List.of() : java.util.Arrays.stream(a.split(",")).map(Integer::valueOf).toList();
        }
    }

    /** Kills the run while the DO block runs alone (the last "sent" point of a traced run), then waits for the server to end it. */
    private void killWhileTheBlockRunsAlone() throws Exception {
        CrashHarness.Run traced = harness.trace("migrate", "--url", url());
        assertThat(traced.exit()).as(traced.toString()).isZero();
        assertThat(traced.err()).contains("cannot run in a transaction").contains("running it alone");
        String lastSentOfTheBlock = traced.points().stream().filter(p -> p.startsWith("migrate.statement.sent#"))
                .reduce((a, b) -> b).orElseThrow();
        db.close();
        db = TestDatabase.create("uncertain");
        // the block is the statement before the last one: its alone run is the next-to-last "sent"
        int n = Integer.parseInt(lastSentOfTheBlock.substring(lastSentOfTheBlock.indexOf('#') + 1)) - 1;
        CrashHarness.Run killed = harness.crashAt("migrate.statement.sent#" + n, "migrate", "--url", url());
        assertThat(killed.killed()).as(killed.toString()).isTrue();
        Thread.sleep(1500); // the server ends or finishes the block
    }

    @Test
    void resumeStopsAndNamesTheChoicesThenStepDoneRecordsItWithoutRunningItAgain() throws Exception {
        killWhileTheBlockRunsAlone();
        List<Integer> afterKill = marks();
        assertThat(afterKill).contains(0, 1).doesNotContain(3);

        CrashHarness.Run stopped = harness.run("migrate", "--url", url());
        assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(5);
        assertThat(stopped.err()).contains("was running when an earlier run was killed")
                .contains("cannot be read from the catalog").contains("--step-done").contains("--rerun-step")
                .doesNotContain("nothing of it was applied").doesNotContain("\tat ");
        assertThat(marks()).isEqualTo(afterKill);

        CrashHarness.Run done = harness.run("migrate", "--step-done", "--url", url());
        assertThat(done.exit()).as(done.toString()).isZero();
        List<Integer> expected = new java.util.ArrayList<>(afterKill);
        expected.add(3);
        assertThat(marks()).isEqualTo(expected);
        CrashHarness.Run status = harness.run("status", "--url", url());
        assertThat(status.out()).containsPattern("0002\\s+commits\\s+applied");
    }

    @Test
    void rerunStepRunsTheStatementAgain() throws Exception {
        killWhileTheBlockRunsAlone();
        List<Integer> afterKill = marks();
        CrashHarness.Run rerun = harness.run("migrate", "--rerun-step", "--url", url());
        assertThat(rerun.exit()).as(rerun.toString()).isZero();
        assertThat(rerun.err()).contains("running it again, as confirmed (--rerun-step)");
        assertThat(marks()).hasSize(afterKill.size() + 3); // 1 and 2 again, then 3
    }

    @Test
    void stepDoneAndRerunStepExcludeEachOther() {
        CrashHarness.Run both = harness.run("migrate", "--step-done", "--rerun-step", "--url", url());
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void outOfRangeTimeoutIsAUsageErrorBeforeConnecting() {
        CrashHarness.Run r = harness.run("migrate", "--lock-timeout", "25d", "--url", "postgres://app@127.0.0.1:1/none");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--lock-timeout").contains("out of PostgreSQL's range").doesNotContain("127.0.0.1");
        assertThat(r.err().lines().filter(l -> !l.isBlank()).count()).as(r.err()).isLessThanOrEqualTo(2);
    }
}
