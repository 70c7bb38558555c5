package dev.bulwark.cli.crash;

import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.testing.LogicalServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

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
        CrashHarness.Run start = harness.run(args("start"));
        assertThat(start.exit()).as(start.toString()).isZero();
        awaitReady();
    }

    @AfterEach
    void drop() {
        LogicalServers.drop(green);
        LogicalServers.drop(blue);
    }

    String[] args(String sub, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("replicate", sub, "--from", LogicalServers.url(blue), "--to",
                LogicalServers.url(green)));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
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
            assertThat(again.exit()).as(point + ": " + again).isZero();
            assertSwitchedTo(green, blue, point);

            // and back, for the next round
            CrashHarness.Run back = harness.inProcess(args("rollback", "--grace", "200ms"));
            assertThat(back.exit()).as(point + ": " + back).isZero();
            assertSwitchedTo(blue, green, point + " (rollback)");
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
        await(() -> count(green, "SELECT count(*) FROM items WHERE v = 'after undo'") == 1);
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
        await(() -> count(follower, "SELECT count(*) FROM items") == count(primary, "SELECT count(*) FROM items"));
        assertThat(count(follower, "SELECT count(*) FROM items")).isEqualTo(count(primary, "SELECT count(*) FROM items"));
    }

    static boolean readOnly(ConnectionSpec db) throws SQLException {
        try (Connection c = db.open("it"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
            rs.next();
            return rs.getString(1).equals("on");
        }
    }

    void awaitReady() {
        await(() -> count(green, "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'") == 0
                && count(green, "SELECT count(*) FROM pg_subscription_rel") > 0);
    }

    static void await(java.util.function.BooleanSupplier c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("timed out");
    }

    static long count(ConnectionSpec db, String sql) {
        try (Connection c = db.open("it"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void exec(ConnectionSpec db, String sql) throws SQLException {
        try (Connection c = db.open("it"); Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
            s.execute(sql);
        }
    }
}
