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
 * The real command line killed mid-backfill (at every crash point of a batch, and with SIGKILL at
 * random instants), then run again: every row ends updated exactly once, although the update
 * ({@code n = n + 1}) is not idempotent, and no human writes SQL.
 */
class BackfillCrashIT {
    static final int ROWS = 20_000;

    @TempDir
    Path project;
    TestDatabase db;
    CrashHarness harness;

    @BeforeEach
    void setUp() throws IOException {
        db = TestDatabase.create("backfill_crash");
        Files.createDirectories(project.resolve("migrations"));
        harness = new CrashHarness(project).timeout(Duration.ofMinutes(2));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String url() {
        return db.spec().jdbcUrl() + (db.spec().jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.spec().user();
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long value(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void reset() throws SQLException {
        exec("DROP TABLE IF EXISTS items, tags, bulwark_backfill, bulwark_history;"
                + "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);"
                + "INSERT INTO items (id) SELECT g FROM generate_series(1, " + ROWS + ") g;"
                + "CREATE TABLE tags (name text, part int, n int NOT NULL DEFAULT 0, PRIMARY KEY (name, part));"
                + "INSERT INTO tags (name, part) SELECT md5((g % 50)::text), g FROM generate_series(1, " + ROWS + ") g;");
    }

    private String[] backfill(String table) {
        return new String[]{"backfill", "--table", table, "--set", "n = n + 1", "--batch-size", "300", "--target-batch", "20ms",
                "--progress", "lines", "--url", url()};
    }

    /** Every row updated exactly once: none left at 0 (lost), none at 2 or more (twice). */
    private void assertExactlyOnce(String table, String after) throws SQLException {
        assertThat(value("SELECT count(*) FROM " + table + " WHERE n = 0")).as("rows missed after " + after).isZero();
        assertThat(value("SELECT count(*) FROM " + table + " WHERE n > 1")).as("rows updated twice after " + after).isZero();
        assertThat(value("SELECT count(*) FROM " + table + " WHERE n = 1")).isEqualTo(ROWS);
    }

    @Test
    void killedAtEveryBatchBoundaryTheNextRunFinishesWithEveryRowUpdatedOnce() throws Exception {
        for (String table : List.of("items", "tags")) {
            reset();
            CrashHarness.Run traced = harness.trace(backfill(table));
            assertThat(traced.exit()).as(traced.toString()).isZero();
            assertExactlyOnce(table, "a clean run");
            // the first and the third time each point is passed: the batch count depends on timing (the size adapts),
            // so a later occurrence of the traced run may not come in the killed one
            List<String> points = traced.points().stream().filter(p -> p.startsWith("backfill.") && (p.endsWith("#1") || p.endsWith("#3")))
                    .toList();
            assertThat(points).anyMatch(p -> p.startsWith("backfill.batch.updated#")).anyMatch(p -> p.startsWith("backfill.progress.written#"));
            List<String> failures = new ArrayList<>();
            for (String point : points) {
                reset();
                CrashHarness.Run killed = harness.crashAt(point, backfill(table));
                assertThat(killed.killed()).as(point + ": " + killed).isTrue();
                CrashHarness.Run resumed = harness.inProcess(backfill(table));
                if (resumed.exit() != 0) {
                    failures.add(point + ": " + resumed);
                    continue;
                }
                assertExactlyOnce(table, "a kill at " + point);
            }
            assertThat(failures).isEmpty();
        }
    }

    /**
     * SIGKILL at random instants of one backfill, run again after each kill until it finishes; with {@code
     * -Dcrash.backfill.kills=N} ({@code bench/crash.sh backfill N}) as many rounds on a fresh table as it takes to
     * kill N times. {@code -Dcrash.seed} replays.
     */
    @Test
    void sigkillAtRandomInstantsThenRunsAgainUntilDoneUpdatesEveryRowOnce() throws Exception {
        long t0 = System.nanoTime();
        long seed = CrashHarness.seed("backfill");
        Random random = new Random(seed);
        Integer wanted = Integer.getInteger("crash.backfill.kills");
        int kills = 0;
        long twice = 0;
        long missed = 0;
        int needingHuman = 0;
        do {
            reset();
            int round = 0;
            for (int attempt = 0; attempt < 12 && (wanted == null || kills < wanted); attempt++) {
                long threshold = value("SELECT count(*) FROM items WHERE n > 0") + 1 + random.nextInt(3000);
                CrashHarness.Run r = harness.killWhen(() -> {
                    try {
                        return value("SELECT count(*) FROM items WHERE n > 0") >= threshold;
                    } catch (SQLException e) {
                        return false;
                    }
                }, backfill("items"));
                if (!r.killed()) {
                    assertThat(r.exit()).as(r.toString()).isZero();
                    break;
                }
                kills++;
                round++;
            }
            CrashHarness.Run last = harness.inProcess(backfill("items"));
            if (last.exit() != 0) {
                needingHuman++;
            }
            twice += value("SELECT count(*) FROM items WHERE n > 1");
            missed += value("SELECT count(*) FROM items WHERE n = 0");
            assertThat(last.exit()).as(last.toString()).isZero();
            assertThat(round).as("seed " + seed).isPositive();
            assertExactlyOnce("items", kills + " random kills (seed " + seed + ")");
        } while (wanted != null && kills < wanted);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("backfill random kills: kills %d, rows updated twice %d, rows missed %d, runs needing a human %d (seed %d);"
                + " %.1f s, %.2f kills/min%n", kills, twice, missed, needingHuman, seed, seconds, kills / (seconds / 60));
    }

    @Test
    void aMigrationsBackfillStepKilledPartWayIsFinishedByTheNextMigrate() throws Exception {
        Files.writeString(project.resolve("migrations").resolve("0001_bump.sql"), """
                -- bulwark:up
                ALTER TABLE items ADD COLUMN touched boolean;
                -- bulwark:backfill
                UPDATE items SET n = n + 1, touched = true;
                CREATE INDEX items_touched ON items (touched);
                """);
        for (String point : List.of("backfill.batch.updated#3", "backfill.progress.written#5", "backfill.batch.committed#2",
                "migrate.commit.before#2", "migrate.commit.after#2")) {
            reset();
            CrashHarness.Run killed = harness.crashAt(point, "migrate", "--url", url());
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            CrashHarness.Run resumed = harness.inProcess("migrate", "--url", url());
            assertThat(resumed.exit()).as(point + ": " + resumed).isZero();
            assertExactlyOnce("items", "migrate killed at " + point);
            assertThat(value("SELECT count(*) FROM items WHERE touched")).isEqualTo(ROWS);
            assertThat(value("SELECT count(*) FROM bulwark_backfill")).as("progress row left after " + point).isZero();
            CrashHarness.Run status = harness.inProcess("status", "--url", url());
            assertThat(status.out()).containsPattern("0001\\s+bump\\s+applied");
        }
    }
}
