package dev.bulwark.cli.crash;

import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.testing.LogicalServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static dev.bulwark.testing.LogicalServers.await;
import static dev.bulwark.testing.LogicalServers.count;
import static dev.bulwark.testing.LogicalServers.exec;
import static dev.bulwark.testing.LogicalServers.readOnly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of {@code bulwark replicate switchover} (the real jar) at its stage boundaries: {@code replicate status}
 * then explains the interrupted switch, and the same command run again finishes it (or {@code rollback} undoes it)
 * with one writable side, replication running in the right direction and every row on both sides.
 */
class ReplicateCrashIT {
    @TempDir
    Path project;
    ConnectionSpec blue;
    ConnectionSpec green;
    CrashHarness harness;

    @BeforeEach
    void setUp() throws SQLException {
        blue = LogicalServers.database(LogicalServers.blue(), "crash_blue");
        green = LogicalServers.database(LogicalServers.green(), "crash_green");
        exec(blue, "CREATE TABLE items (id bigserial PRIMARY KEY, v text);"
                + " INSERT INTO items (v) SELECT md5(g::text) FROM generate_series(1, 3000) g");
        harness = new CrashHarness(project).timeout(Duration.ofMinutes(2));
        CrashHarness.Run start = harness.inProcess(args("start"));
        assertThat(start.exit()).as(start.toString()).isZero();
        awaitReady();
    }

    @AfterEach
    void drop() {
        LogicalServers.drop(green, blue);
    }

    String[] args(String sub, String... more) {
        return LogicalServers.replicateArgs(sub, blue, green, more);
    }

    @Test
    void aSwitchoverKilledAtEachStageIsExplainedByStatusAndFinishedByTheSameCommand() throws Exception {
        List<String> points = List.of("replicate.switch.prefence.compared", "replicate.switch.fencing.written", "replicate.switch.fenced",
                "replicate.switch.sequences.set", "replicate.switch.command.after", "replicate.switch.reversing.written",
                "replicate.switch.old-subscription.dropped", "replicate.switch.publication.created",
                "replicate.switch.reversed", "replicate.switch.unfenced");
        int n = 0;
        for (String point : points) {
            n++;
            exec(blue, "INSERT INTO items (v) VALUES ('before kill " + n + "')");
            CrashHarness.Run killed = harness.crashAt(point, args("switchover", "--grace", "200ms"));
            long killedAt = System.nanoTime();
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();

            CrashHarness.Run status = harness.inProcess(args("status", "--no-rate"));
            assertThat(status.exit()).as(status.toString()).isZero();
            if (point.equals("replicate.switch.prefence.compared")) {
                // the comparison before the fence only reads: nothing changed, blue still writable
                assertThat(status.out()).as(point + ": " + status.out()).doesNotContain("was interrupted");
                assertThat(readOnly(blue)).as(point).isFalse();
            } else if (!point.equals("replicate.switch.unfenced")) {
                assertThat(status.out()).as(point + ": " + status.out()).containsAnyOf("was interrupted", "passed its point of no return");
            }
            // never two writable sides: green opens only at the very end
            assertThat(readOnly(blue) || readOnly(green)).as(point).isTrue();

            CrashHarness.Run again = harness.inProcess(args("switchover", "--grace", "200ms"));
            long sinceKill = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(again.exit()).as(point + ": " + again).isZero();
            assertSwitchedTo(green, blue, point);
            if (!point.equals("replicate.switch.prefence.compared")) {
                // the writes stopped with the killed run's fence: the window reported counts from there (the status
                // run and the rerun's start included), not from the rerun's own fence; 1 s for the rerun's exit
                java.util.regex.Matcher w = java.util.regex.Pattern.compile("Write-unavailable window: (\\d+) ms").matcher(again.out());
                assertThat(w.find()).as(again.out()).isTrue();
                assertThat(Long.parseLong(w.group(1))).as(point + ": " + again.out()).isGreaterThanOrEqualTo(sinceKill - 1000);
            }

            // and back, for the next round
            CrashHarness.Run back = harness.inProcess(args("rollback", "--grace", "200ms"));
            assertThat(back.exit()).as(point + ": " + back).isZero();
            assertSwitchedTo(blue, green, point + " (rollback)");
        }
    }

    @Test
    void aStartKilledAtEachStageIsExplainedByStatusAndFinishedByTheSameCommand() throws Exception {
        // the parallel initial copy (the default): killed with the slot's snapshot held, and with the rows copied
        // but no subscription on the slot yet; the rerun removes those rows and copies again from a new slot
        for (String point : List.of("replicate.start.state.written", "replicate.start.schema.done",
                "replicate.start.publication.done", "replicate.start.slot.created", "replicate.start.rows.copied",
                "replicate.start.subscription.done")) {
            // a new, empty green for each kill
            assertThat(harness.inProcess(args("stop")).exit()).as(point).isZero();
            LogicalServers.drop(green);
            green = LogicalServers.database(LogicalServers.green(), "crash_green");
            exec(blue, "INSERT INTO items (v) VALUES ('before kill at " + point + "')");

            CrashHarness.Run killed = harness.crashAt(point, args("start"));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            CrashHarness.Run status = harness.inProcess(args("status", "--no-rate"));
            assertThat(status.exit()).as(status.toString()).isZero();
            assertThat(status.out()).as(point + ": " + status.out()).contains("the start was interrupted");
            assertThat(readOnly(blue)).as(point).isFalse();

            CrashHarness.Run again = harness.inProcess(args("start"));
            assertThat(again.exit()).as(point + ": " + again).isZero();
            // the rerun returns with green caught up, also when the killed run had made the subscription already
            assertThat(again.out()).as(point + ": " + again.out()).contains("green: applied blue's changes made during the copy");
            awaitReady();
            exec(blue, "INSERT INTO items (v) VALUES ('after the rerun at " + point + "')");
            await(() -> count(green, "SELECT count(*) FROM items") == count(blue, "SELECT count(*) FROM items"), "green catching up");
            assertThat(count(blue, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).as(point).isEqualTo(1);
            assertThat(readOnly(green)).as(point).isTrue();
            assertThat(harness.inProcess(args("status", "--no-rate")).out()).as(point).contains("stage: replicating, primary blue");
        }
    }

    @Test
    void aStopKilledHalfwayIsExplainedByStatusAndFinishedByTheSameCommand() throws Exception {
        for (String point : List.of("replicate.stop.subscriptions.dropped", "replicate.stop.publications.dropped")) {
            CrashHarness.Run killed = harness.crashAt(point, args("stop"));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            CrashHarness.Run status = harness.inProcess(args("status", "--no-rate"));
            assertThat(status.exit()).as(status.toString()).isZero();
            assertThat(status.out()).as(point + ": " + status.out()).contains("REPLICATION IS BROKEN");

            CrashHarness.Run again = harness.inProcess(args("stop"));
            assertThat(again.exit()).as(point + ": " + again).isZero();
            for (ConnectionSpec side : List.of(blue, green)) {
                assertThat(count(side, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).as(point).isZero();
                assertThat(count(side, "SELECT count(*) FROM pg_publication")).as(point).isZero();
                assertThat(count(side, "SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database"
                        + " WHERE datname = current_database())")).as(point).isZero();
                assertThat(count(side, "SELECT count(*) FROM pg_namespace WHERE nspname = 'bulwark_replicate'")).as(point).isZero();
            }
            assertThat(harness.inProcess(args("status", "--no-rate")).out()).as(point).contains("no replication pair");

            // a new pair for the next kill
            LogicalServers.drop(green);
            green = LogicalServers.database(LogicalServers.green(), "crash_green");
            assertThat(harness.inProcess(args("start")).exit()).as(point).isZero();
            awaitReady();
        }
    }

    @Test
    void rollbackUndoesASwitchoverKilledBeforeItsPointOfNoReturn() throws Exception {
        CrashHarness.Run killed = harness.crashAt("replicate.switch.sequences.set", args("switchover", "--grace", "200ms"));
        assertThat(killed.killed()).isTrue();
        assertThat(readOnly(blue)).isTrue();

        CrashHarness.Run undo = harness.inProcess(args("rollback"));

        assertThat(undo.exit()).as(undo.toString()).isZero();
        assertThat(undo.out()).contains("undone");
        assertThat(readOnly(blue)).isFalse();
        assertThat(readOnly(green)).isTrue();
        exec(blue, "INSERT INTO items (v) VALUES ('after undo')");
        await(() -> count(green, "SELECT count(*) FROM items WHERE v = 'after undo'") == 1, "the row on green");
    }

    @Test
    void rollbackAfterASwitchoverKilledPastItsSwitchCommandPointsTheApplicationBack() throws Exception {
        Path app = project.resolve("application-points-at");
        String repoint = "echo $BULWARK_NEW_PRIMARY_SIDE > '" + app + "'";
        CrashHarness.Run killed = harness.crashAt("replicate.switch.command.after", args("switchover", "--grace", "200ms",
                "--switch-cmd", repoint));
        assertThat(killed.killed()).as(killed.toString()).isTrue();
        assertThat(java.nio.file.Files.readString(app).trim()).isEqualTo("green");
        assertThat(harness.inProcess(args("status", "--no-rate")).out()).contains("was interrupted at stage switching");

        CrashHarness.Run undo = harness.inProcess(args("rollback", "--switch-cmd", repoint));

        assertThat(undo.exit()).as(undo.toString()).isZero();
        assertThat(undo.out()).contains("undone");
        // green is read-only: the application must be pointed back at blue, not left on green
        assertThat(java.nio.file.Files.readString(app).trim()).isEqualTo("blue");
        assertThat(readOnly(blue)).isFalse();
        assertThat(readOnly(green)).isTrue();

        // without --switch-cmd the undo says what the interrupted command may have done
        assertThat(harness.crashAt("replicate.switch.command.after", args("switchover", "--grace", "200ms",
                "--switch-cmd", repoint)).killed()).isTrue();
        CrashHarness.Run bare = harness.inProcess(args("rollback"));
        assertThat(bare.exit()).as(bare.toString()).isZero();
        assertThat(bare.out()).contains("may have pointed the application at green (read-only): point it back at blue");
    }

    @Test
    void aRollbackKilledWhileGreenIsFencedIsUndoneBySwitchover() throws Exception {
        assertThat(harness.inProcess(args("switchover", "--grace", "200ms")).exit()).isZero();
        assertSwitchedTo(green, blue, "switchover");
        CrashHarness.Run killed = harness.crashAt("replicate.switch.fenced", args("rollback", "--grace", "200ms"));
        assertThat(killed.killed()).as(killed.toString()).isTrue();
        assertThat(readOnly(green)).isTrue();
        assertThat(readOnly(blue)).isTrue();
        CrashHarness.Run status = harness.inProcess(args("status", "--no-rate"));
        assertThat(status.out()).contains("a switch from green to blue was interrupted at stage fencing")
                .contains("replicate switchover to undo it and open green again");

        CrashHarness.Run undo = harness.inProcess(args("switchover"));

        assertThat(undo.exit()).as(undo.toString()).isZero();
        assertThat(undo.out()).contains("undone");
        assertSwitchedTo(green, blue, "rollback undone");
    }

    void assertSwitchedTo(ConnectionSpec primary, ConnectionSpec follower, String point) throws Exception {
        assertThat(readOnly(primary)).as(point).isFalse();
        assertThat(readOnly(follower)).as(point).isTrue();
        assertThat(count(primary, "SELECT count(*) FROM pg_publication")).as(point).isEqualTo(1);
        assertThat(count(primary, "SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database())")).as(point).isZero();
        assertThat(count(follower, "SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database"
                + " WHERE datname = current_database())")).as(point).isEqualTo(1);
        assertThat(count(follower, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).as(point).isZero();
        exec(primary, "INSERT INTO items (v) VALUES ('after " + point + "')");
        await(() -> count(follower, "SELECT count(*) FROM items") == count(primary, "SELECT count(*) FROM items"), "the follower catching up");
        assertThat(count(follower, "SELECT count(*) FROM items")).isEqualTo(count(primary, "SELECT count(*) FROM items"));
    }

    void awaitReady() {
        await(() -> count(green, "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'") == 0
                && count(green, "SELECT count(*) FROM pg_subscription_rel") > 0, "every table ready on green");
    }
}
