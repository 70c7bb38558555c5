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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of {@code bulwark migrate} (the real jar, a separate process) at every step boundary and
 * at random instants, over migrations mixing transactional DDL, DML in a no-transaction migration,
 * CONCURRENTLY builds and drops, and destructive statements. After each kill, the next plain
 * {@code bulwark migrate} must exit 0 and leave every effect exactly once, no row lost, no INVALID
 * index, and history consistent.
 *
 * <p>Short by default (each boundary name at its first and last occurrence, {@value #RANDOM_IN_SUITE}
 * random kills). {@code -Dcrash.sweep=all} (or {@code -Dbulwark.crash.full=true}) kills at every boundary; {@code -Dcrash.kills=200} sets
 * the random kills; {@code -Dcrash.seed} replays them (bench/crash.sh).
 */
class MigrateCrashIT {
    static final int RANDOM_IN_SUITE = 3;
    static final int ITEMS = 2000;
    /** sum(qty) once every migration ran exactly once */
    static final long EXPECTED_QTY = ITEMS /* +1 each */ + 500L * 10 /* +10 for id <= 500 */ + 100 /* +100 for id 1 */;

    @TempDir
    Path project;
    TestDatabase db;
    CrashHarness harness;

    @BeforeEach
    void setUp() throws IOException {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("0001_base.sql"), """
                -- bulwark:up
                CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);
                INSERT INTO items SELECT g, 0 FROM generate_series(1, %d) g;
                CREATE TABLE junk (id int);
                INSERT INTO junk SELECT g FROM generate_series(1, 100) g;
                CREATE TABLE events (id serial PRIMARY KEY, note text NOT NULL);
                CREATE INDEX items_old ON items (qty);
                -- a build slow enough (about 0.5 s) for a kill to land inside it: pg_sleep waits at least a
                -- whole millisecond (about 2 ms with the timer's slack), so it sleeps on every eighth row
                -- (pg_sleep(0.00025) on each of the 2,000 rows took 2.3 s, in every run of every kill)
                CREATE FUNCTION slow_key(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
                BEGIN IF mod($1, 8) = 0 THEN PERFORM pg_sleep(0.001); END IF; RETURN $1; END $$;
                """.formatted(ITEMS));
        Files.writeString(m.resolve("0002_bump.sql"), """
                -- bulwark:no-transaction
                -- bulwark:up
                UPDATE items SET qty = qty + 1;
                INSERT INTO events (note) VALUES ('bump');
                CREATE INDEX CONCURRENTLY items_slow ON items (slow_key(id));
                UPDATE items SET qty = qty + 10 WHERE id <= 500;
                -- slow: the server is still executing it when a kill lands just after it was sent
                UPDATE items SET qty = qty + 100 FROM (SELECT pg_sleep(0.4)) AS pause WHERE id = 1;
                DROP INDEX CONCURRENTLY items_old;
                """);
        Files.writeString(m.resolve("0003_mixed.sql"), """
                -- bulwark:up
                ALTER TABLE items ADD COLUMN note text;
                DELETE FROM junk WHERE id > 50;
                CREATE INDEX CONCURRENTLY items_note ON items (note);
                DROP TABLE junk;
                INSERT INTO events (note) VALUES ('mixed');
                """);
        harness = new CrashHarness(project);
    }

    @AfterEach
    void tearDown() {
        if (db != null) {
            db.close();
        }
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    private void freshDatabase() {
        if (db != null) {
            db.close();
        }
        db = TestDatabase.create("crash");
    }

    @Test
    void everyStepBoundaryKillIsFinishedByThePlainNextMigrateExactlyOnce() {
        freshDatabase();
        CrashHarness.Run reference = harness.trace("migrate", "--url", url());
        assertThat(reference.exit()).as(reference.toString()).isZero();
        assertOutcome(new CrashHarness.Tally(), "reference run");
        List<String> points = reference.points();
        assertThat(points).contains("migrate.statement.sent#1", "migrate.statement.returned#1", "migrate.progress.before-write#1",
                "migrate.progress.written#1", "migrate.commit.before#1", "migrate.commit.after#1", "migrate.history.started#1");
        List<String> sweep = "all".equals(System.getProperty("crash.sweep")) || CrashHarness.full() ? points
                : CrashHarness.firstAndLast(points);
        CrashHarness.Tally tally = new CrashHarness.Tally();
        for (String point : sweep) {
            freshDatabase();
            CrashHarness.Run killed = harness.crashAt(point, "migrate", "--url", url());
            assertThat(killed.killed()).as("halted at " + point + ": " + killed).isTrue();
            tally.kills++;
            resumeAndCheck(tally, "killed at " + point);
        }
        System.out.println("MigrateCrashIT sweep of " + sweep.size() + " of " + points.size() + " boundaries: " + tally);
        assertThat(tally.failures).as(tally.toString()).isEmpty();
        assertThat(tally.clean()).as(tally.toString()).isTrue();
    }

    /**
     * The case: killed just after {@code UPDATE … qty = qty + 100} of the no-transaction
     * migration reached the server, which goes on executing it. Its transaction commits only with
     * its progress record, which a dead client never sends: the resume runs it exactly once.
     */
    @Test
    void killJustAfterANoTransactionUpdateWasSentAppliesItExactlyOnce() throws Exception {
        freshDatabase();
        // 0001 runs 7 statements, then 0002's fifth statement is the slow UPDATE: the 12th statement sent
        CrashHarness.Run killed = harness.crashAt("migrate.statement.sent#12", "migrate", "--url", url());
        assertThat(killed.killed()).as(killed.toString()).isTrue();
        assertThat(killed.out()).contains("Applying 0002 bump");
        CrashHarness.Tally tally = new CrashHarness.Tally();
        resumeAndCheck(tally, "killed just after the slow UPDATE was sent");
        assertThat(tally.failures).isEmpty();
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT qty FROM items WHERE id = 1")).isEqualTo(111);
            assertThat(strings(s, "SELECT status FROM bulwark_history WHERE version = '0002' ORDER BY id"))
                    .containsExactly("interrupted", "success");
        }
    }

    @Test
    void randomKillsAreFinishedByThePlainNextMigrateExactlyOnce() {
        int kills = Integer.getInteger("crash.kills", RANDOM_IN_SUITE);
        Random random = new Random(CrashHarness.seed("MigrateCrashIT"));
        freshDatabase();
        CrashHarness.Run reference = harness.run("migrate", "--url", url());
        assertThat(reference.exit()).as(reference.toString()).isZero();
        long span = reference.took().toMillis();
        CrashHarness.Tally tally = new CrashHarness.Tally();
        // kills counts processes that were running when SIGKILL came; an instant after the end is drawn again
        int midRun = 0;
        for (int attempt = 0; tally.kills < kills && attempt < kills * 3; attempt++) {
            freshDatabase();
            // from JVM start to the end of a whole run
            long at = (long) (random.nextDouble() * span);
            CrashHarness.Run killed = harness.killAfter(Duration.ofMillis(at), "migrate", "--url", url());
            if (killed.killed()) {
                tally.kills++;
                if (killed.out().contains("Applying")) {
                    midRun++; // not during JVM start or connecting: while migrations ran
                }
            } else {
                span = Math.min(span, killed.took().toMillis()); // runs got faster than the reference: draw within them
            }
            resumeAndCheck(tally, "SIGKILL after " + at + "ms" + (killed.killed() ? "" : " (it had finished)"));
            if (killed.killed() && tally.kills % 10 == 0 && tally.kills < kills) {
                System.out.println("MigrateCrashIT random, after " + tally.kills + " of " + kills + " kills: " + tally
                        + " (" + midRun + " while migrations ran)");
            }
        }
        System.out.println("MigrateCrashIT random: " + tally + " (" + midRun + " of the kills while migrations ran)");
        assertThat(tally.failures).as(tally.toString()).isEmpty();
        assertThat(tally.clean()).as(tally.toString()).isTrue();
    }

    /** The next plain migrate, then the checks; counts what went wrong instead of stopping at the first. */
    private void resumeAndCheck(CrashHarness.Tally tally, String what) {
        CrashHarness.Run resumed = harness.inProcess("migrate", "--url", url());
        if (resumed.exit() != 0) {
            tally.needingHuman++;
            tally.fail("needs a human", what + ": " + resumed);
            return;
        }
        assertOutcome(tally, what);
    }

    private void assertOutcome(CrashHarness.Tally tally, String what) {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            long items = one(s, "SELECT count(*) FROM items");
            long qty = one(s, "SELECT sum(qty) FROM items");
            long events = one(s, "SELECT count(*) FROM events");
            long bumps = one(s, "SELECT count(*) FROM events WHERE note = 'bump'");
            if (qty > EXPECTED_QTY || events > 2 || bumps > 1) {
                tally.doubleApplied++;
                tally.fail("double-applied", what + ": sum(qty) " + qty + " (expected " + EXPECTED_QTY + "), events " + events);
            } else if (items != ITEMS || qty < EXPECTED_QTY || events < 2) {
                tally.lostRows++;
                tally.fail("lost", what + ": items " + items + ", sum(qty) " + qty + ", events " + events);
            }
            long invalid = one(s, "SELECT count(*) FROM pg_index WHERE NOT indisvalid");
            if (invalid > 0) {
                tally.fail("invalid index", what + ": " + invalid + " INVALID index(es) left");
            }
            List<String> indexes = strings(s, "SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1");
            if (!indexes.equals(List.of("items_note", "items_pkey", "items_slow"))) {
                tally.fail("schema", what + ": indexes on items " + indexes);
            }
            if (one(s, "SELECT count(*) FROM pg_tables WHERE tablename = 'junk'") != 0) {
                tally.fail("schema", what + ": junk not dropped");
            }
            List<String> latest = strings(s, "SELECT DISTINCT ON (version) version || ' ' || status FROM bulwark_history"
                    + " ORDER BY version, id DESC");
            if (!latest.equals(List.of("0001 success", "0002 success", "0003 success"))) {
                tally.fail("history", what + ": latest rows " + latest);
            }
            long running = one(s, "SELECT count(*) FROM bulwark_history WHERE status = 'running'");
            if (running > 0) {
                tally.fail("history", what + ": " + running + " row(s) still marked running");
            }
        } catch (SQLException e) {
            tally.fail("check", what + ": " + e.getMessage());
        }
    }

    private static long one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
