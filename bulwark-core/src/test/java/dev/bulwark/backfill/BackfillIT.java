package dev.bulwark.backfill;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.Listener;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batched, resumable backfill on a real server: splitting by key, resuming, pausing, refusing bad input. */
class BackfillIT {
    TestDatabase db;
    Connection work;
    final List<String> log = new CopyOnWriteArrayList<>();
    final Listener listener = Listener.each(log::add);

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDatabase.create("backfill");
        work = db.open();
        exec("SET lock_timeout = '200ms'");
    }

    @AfterEach
    void tearDown() throws SQLException {
        work.close();
        db.close();
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = work.createStatement()) {
            s.execute(sql);
        }
    }

    private String value(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private BackfillOptions options(long firstBatch) {
        return new BackfillOptions(Duration.ofMillis(200), firstBatch, Duration.ofSeconds(10), 64L << 20, null, 0,
                Duration.ofSeconds(20), Duration.ofMillis(100), false, false);
    }

    private Backfiller backfiller(BackfillOptions o, BackfillProgress p) {
        return new Backfiller(work, "public", o, listener, p);
    }

    @Test
    void integerKeyIsSplitIntoRangesAndEveryRowIsUpdatedOnceAcrossGaps() throws SQLException {
        exec("CREATE TABLE items (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 3000) g");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1000000, 1000500) g"); // a wide gap in the keys
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
        BackfillResult r = backfiller(options(100), null).run(s, Backfiller.jobFor(s), false);

        assertThat(r.mode()).isEqualTo("range");
        assertThat(r.rows()).isEqualTo(3501);
        assertThat(r.batches()).isGreaterThan(1).isLessThan(200); // the gap is skipped, not walked
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
        assertThat(value("SELECT status || ' ' || rows_done || ' ' || batches FROM bulwark_backfill"))
                .isEqualTo("done 3501 " + r.batches());
    }

    @Test
    void aSecondRunOfADoneBackfillChangesNothingUnlessRestarted() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 500) g");
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
        backfiller(options(100), null).run(s, Backfiller.jobFor(s), false);
        BackfillResult again = backfiller(options(100), null).run(s, Backfiller.jobFor(s), false);
        assertThat(again.alreadyDone()).isTrue();
        assertThat(value("SELECT sum(n) FROM items")).isEqualTo("500");
        backfiller(options(100), null).run(s, Backfiller.jobFor(s), true);
        assertThat(value("SELECT sum(n) FROM items")).isEqualTo("1000");
    }

    @Test
    void anInterruptedRunResumesAfterTheLastCommittedBatchWithNoRowUpdatedTwice() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 2000) g");
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
        int[] seen = {0};
        BackfillProgress stopAfterThree = (rows, fraction, rate, size) -> {
            if (++seen[0] == 3) {
                throw new IllegalStateException("stopped"); // as Ctrl-C after the third commit
            }
        };
        assertThatThrownBy(() -> backfiller(options(50), stopAfterThree).run(s, Backfiller.jobFor(s), false))
                .hasMessage("stopped");
        long done = Long.parseLong(value("SELECT count(*) FROM items WHERE n = 1"));
        assertThat(done).isPositive().isLessThan(2000);
        assertThat(value("SELECT rows_done FROM bulwark_backfill")).isEqualTo(Long.toString(done));

        BackfillResult r = backfiller(options(50), null).run(s, Backfiller.jobFor(s), false);
        assertThat(r.resumed()).isTrue();
        assertThat(r.rows()).isEqualTo(2000 - done);
        assertThat(r.totalRows()).isEqualTo(2000);
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
        assertThat(log).anyMatch(l -> l.startsWith("resuming the backfill of items after batch 3"));
    }

    @Test
    void aFailingBatchRollsBackWholeAndTheRunResumesThereOnceTheCauseIsFixed() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, d int NOT NULL DEFAULT 1)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 1000) g");
        exec("UPDATE items SET d = 0 WHERE id = 777");
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1 / d", null);
        assertThatThrownBy(() -> backfiller(options(100), null).run(s, Backfiller.jobFor(s), false))
                .isInstanceOf(SQLException.class).hasMessageContaining("division by zero");
        long before = Long.parseLong(value("SELECT count(*) FROM items WHERE n = 1"));
        assertThat(value("SELECT count(*) FROM items WHERE n = 1 AND id >= 777")).isEqualTo("0");
        assertThat(value("SELECT rows_done FROM bulwark_backfill")).isEqualTo(Long.toString(before));
        exec("UPDATE items SET d = 1 WHERE id = 777");
        backfiller(options(100), null).run(s, Backfiller.jobFor(s), false);
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
    }

    @Test
    void textKeyIsPaginatedByKeysetInCollationOrder() throws SQLException {
        exec("CREATE TABLE tags (name text PRIMARY KEY, n int NOT NULL DEFAULT 0, up text)");
        exec("INSERT INTO tags (name) SELECT md5(g::text) FROM generate_series(1, 1500) g");
        exec("INSERT INTO tags (name) VALUES ('O''Brien'), ('a b'), (''), ('Zürich')");
        BackfillStatement s = BackfillStatement.of("tags", "n = n + 1, up = upper(name)", "name <> 'skip'");
        BackfillResult r = backfiller(options(64), null).run(s, Backfiller.jobFor(s), false);
        assertThat(r.mode()).isEqualTo("keyset");
        assertThat(r.rows()).isEqualTo(1504);
        assertThat(r.batches()).isGreaterThan(2);
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1 OR up IS DISTINCT FROM upper(name)) FROM tags")).isEqualTo("0");
    }

    @Test
    void compositeKeyIsPaginatedByKeysetAndResumes() throws SQLException {
        exec("CREATE TABLE lines (order_id uuid, line int, n int NOT NULL DEFAULT 0, PRIMARY KEY (order_id, line))");
        exec("INSERT INTO lines (order_id, line) SELECT md5((g % 97)::text)::uuid, g FROM generate_series(1, 1200) g");
        BackfillStatement s = BackfillStatement.of("public.lines", "n = n + 1", null);
        int[] seen = {0};
        assertThatThrownBy(() -> backfiller(options(37), (a, b, c, d) -> {
            if (++seen[0] == 5) {
                throw new IllegalStateException("stopped");
            }
        }).run(s, Backfiller.jobFor(s), false)).hasMessage("stopped");
        assertThat(value("SELECT array_length(last_key, 1) FROM bulwark_backfill")).isEqualTo("2");
        BackfillResult r = backfiller(options(37), null).run(s, Backfiller.jobFor(s), false);
        assertThat(r.mode()).isEqualTo("keyset");
        assertThat(r.key()).containsExactly("order_id", "line");
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM lines")).isEqualTo("0");
        assertThat(r.totalRows()).isEqualTo(1200);
    }

    @Test
    void whereLimitsTheRowsAndAnAliasedMigrationStatementWorks() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, a int, a_new bigint)");
        exec("INSERT INTO items (id, a) SELECT g, g * 2 FROM generate_series(1, 800) g");
        exec("UPDATE items SET a_new = -1 WHERE id % 10 = 0");
        var stmt = dev.bulwark.sql.SqlSplitter.split("UPDATE ONLY items AS i SET a_new = i.a WHERE i.a_new IS NULL", "m.sql", 1).get(0);
        BackfillStatement s = BackfillStatement.parse(stmt);
        assertThat(s.alias()).isEqualTo("i");
        BackfillResult r = backfiller(options(100), null).run(s, "job", false);
        assertThat(r.rows()).isEqualTo(720);
        assertThat(value("SELECT count(*) FROM items WHERE a_new = a")).isEqualTo("720");
        assertThat(value("SELECT count(*) FROM items WHERE a_new = -1")).isEqualTo("80");
    }

    @Test
    void dryRunPrintsTheBatchesAndChangesNothing() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 250) g");
        exec("CREATE TABLE tags (name text PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO tags (name) SELECT 'k' || g FROM generate_series(1, 250) g");
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
        BackfillResult r = backfiller(options(100).withDryRun(true), null).run(s, Backfiller.jobFor(s), false);
        assertThat(r.dryRun()).isTrue();
        assertThat(r.batches()).isEqualTo(3);
        assertThat(r.plannedBatches()).anyMatch(l -> l.contains("\"id\" > 0 AND") && l.contains("<= 100;"))
                .anyMatch(l -> l.contains("<= 250;"));
        BackfillStatement t = BackfillStatement.of("tags", "n = n + 1", null);
        BackfillResult rt = backfiller(options(100).withDryRun(true), null).run(t, Backfiller.jobFor(t), false);
        assertThat(rt.batches()).isEqualTo(3);
        assertThat(value("SELECT sum(n) FROM items")).isEqualTo("0");
        assertThat(value("SELECT sum(n) FROM tags")).isEqualTo("0");
        assertThat(value("SELECT to_regclass('bulwark_backfill') IS NULL")).isEqualTo("t");
    }

    @Test
    void badInputIsAUsageErrorAndChangesNothing() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("CREATE TABLE heap (n int)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 10) g");
        assertUsage(() -> backfiller(options(10), null).run(BackfillStatement.of("nope", "n = 1", null), "j", false), "does not exist");
        assertUsage(() -> backfiller(options(10), null).run(BackfillStatement.of("heap", "n = 1", null), "j", false), "has no primary key");
        assertUsage(() -> backfiller(options(10), null).run(BackfillStatement.of("items", "nn = 1", null), "j", false), "nn");
        assertUsage(() -> backfiller(options(10), null).run(BackfillStatement.of("items", "n = n +", null), "j", false), "syntax");
        assertUsage(() -> BackfillStatement.of("items", "n = 1; DROP TABLE items", null), "';'");
        assertUsage(() -> BackfillStatement.of("items", "n = 1 WHERE id = 2", null), "WHERE");
        assertUsage(() -> BackfillStatement.of("items", "n = (1", null), "unbalanced");
        assertUsage(() -> BackfillStatement.of("it ems", "n = 1", null), "not a table name");
        assertThat(value("SELECT sum(n) FROM items")).isEqualTo("0");
        assertThat(value("SELECT to_regclass('bulwark_backfill') IS NULL")).isEqualTo("t");
        assertThat(value("SELECT to_regclass('items') IS NOT NULL")).isEqualTo("t");
    }

    private static void assertUsage(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String text) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BulwarkException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).contains(text).doesNotContain("\n");
        });
    }

    @Test
    void aBatchThatHitsLockTimeoutPausesRetriesSmallerAndFinishes() throws Exception {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 300) g");
        try (Connection holder = db.open()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM items WHERE id = 150 FOR UPDATE");
            }
            BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
            CompletableFuture<BackfillResult> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return backfiller(options(100), null).run(s, Backfiller.jobFor(s), false);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (log.stream().noneMatch(l -> l.contains("paused: lock wait")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(log).anyMatch(l -> l.contains("paused: lock wait") && l.contains("lock_timeout") && l.contains("retrying with "));
            holder.rollback();
            BackfillResult r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.lockRetries()).isPositive();
            assertThat(r.pauses()).isGreaterThanOrEqualTo(r.lockRetries());
            assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
            assertThat(value("SELECT lock_retries > 0 FROM bulwark_backfill")).isEqualTo("t");
        }
    }

    @Test
    void stopCancelsTheBatchThatRunsAndTheNextRunResumesWithEveryRowUpdatedOnce() throws Exception {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 300) g");
        exec("SET lock_timeout = 0"); // the second batch waits for the held row until stop() cancels it
        try (Connection holder = db.open()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM items WHERE id = 150 FOR UPDATE");
            }
            BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
            // the size adapts: keep it at 100 keys a batch so the second batch is the one that meets the lock
            BackfillOptions o = new BackfillOptions(Duration.ofHours(1), 100, null, 0, null, 100,
                    Duration.ofSeconds(20), Duration.ofMillis(100), false, false);
            Backfiller f = backfiller(o, null);
            CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() -> {
                try {
                    f.run(s, Backfiller.jobFor(s), false);
                    return null;
                } catch (SQLException | RuntimeException e) {
                    return e;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"1".equals(value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%items%'"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            f.stop();
            // the lock is still held: only the cancel ends the waiting batch
            Throwable stopped = run.get(10, TimeUnit.SECONDS);
            assertThat(stopped).isInstanceOf(BulwarkException.class).hasMessageContaining("stopped after batch 1");
            assertThat(value("SELECT count(*) FROM items WHERE n = 1")).isEqualTo("100");
            assertThat(value("SELECT rows_done || '/' || batches FROM bulwark_backfill")).isEqualTo("100/1");
            holder.rollback();
        }
        BackfillResult r = backfiller(options(100), null).run(BackfillStatement.of("items", "n = n + 1", null),
                Backfiller.jobFor(BackfillStatement.of("items", "n = n + 1", null)), false);
        assertThat(r.resumed()).isTrue();
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
    }

    @Test
    void theThrottleQueryPausesTheRunUntilItTurnsFalse() throws Exception {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("CREATE TABLE gate (closed boolean NOT NULL)");
        exec("INSERT INTO gate VALUES (true)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 300) g");
        BackfillOptions o = new BackfillOptions(Duration.ofMillis(200), 100, null, 0, "SELECT closed FROM gate", 0,
                Duration.ofSeconds(20), Duration.ofMillis(50), false, false);
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
        CompletableFuture<BackfillResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return backfiller(o, null).run(s, Backfiller.jobFor(s), false);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (log.stream().noneMatch(l -> l.contains("paused: throttle query")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(value("SELECT sum(n) FROM items")).isEqualTo("0");
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            st.execute("UPDATE gate SET closed = false");
        }
        BackfillResult r = run.get(30, TimeUnit.SECONDS);
        assertThat(r.pauses()).isEqualTo(1);
        assertThat(r.pauseMs()).isGreaterThanOrEqualTo(300);
        assertThat(log).anyMatch(l -> l.startsWith("  resumed after"));
        assertThat(value("SELECT count(*) FILTER (WHERE n <> 1) FROM items")).isEqualTo("0");
    }

    @Test
    void maxRowsPerSecondCapsTheRate() throws SQLException {
        exec("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)");
        exec("INSERT INTO items (id) SELECT g FROM generate_series(1, 400) g");
        BackfillOptions o = new BackfillOptions(Duration.ofMillis(200), 1000, null, 0, null, 400,
                Duration.ofSeconds(20), Duration.ofMillis(50), false, false);
        BackfillStatement s = BackfillStatement.of("items", "n = n + 1", null);
        long t0 = System.nanoTime();
        BackfillResult r = backfiller(o, null).run(s, Backfiller.jobFor(s), false);
        assertThat(r.rows()).isEqualTo(400);
        // one batch capped to 400 rows: the last batch does not wait, so at least the whole run is not throttled below 1s
        assertThat(r.batches()).isEqualTo(1);
        BackfillOptions slower = new BackfillOptions(Duration.ofMillis(200), 1000, null, 0, null, 200,
                Duration.ofSeconds(20), Duration.ofMillis(50), false, true);
        t0 = System.nanoTime();
        BackfillResult r2 = backfiller(slower, null).run(s, Backfiller.jobFor(s), true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r2.batches()).isGreaterThanOrEqualTo(2);
        assertThat(ms).isGreaterThanOrEqualTo(900); // 400 rows at 200 rows/s: the first 200 wait a second before the rest
    }
}
