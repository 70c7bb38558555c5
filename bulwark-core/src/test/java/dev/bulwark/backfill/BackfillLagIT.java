package dev.bulwark.backfill;

import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;
import dev.bulwark.testing.TestDatabase;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backfill on a publisher (a second embedded server with wal_level=logical) whose logical
 * subscriber (a database on the shared test server) is held back by a lock on its copy of the
 * table: the run pauses, saying which standby lags and by how much, while the subscriber is more
 * than --max-lag behind, and finishes once it caught up.
 */
class BackfillLagIT {
    static final int ROWS = 20_000;

    @TempDir
    Path publisherDir;
    Embedded publisher;
    TestDatabase subscriber;
    final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws SQLException {
        publisher = Embedded.open(publisherDir);
        try (Connection c = publisher.connection().open("bulwark-test"); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET wal_level = logical");
        }
        publisher.close(); // the last user stops it; the next start reads wal_level
        publisher = Embedded.open(publisherDir);
        exec(publisher.connection(), "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, pad text NOT NULL);"
                + "INSERT INTO items (id, pad) SELECT g, repeat('x', 200) FROM generate_series(1, " + ROWS + ") g;"
                + "CREATE PUBLICATION backfill_pub FOR TABLE items");
        assertThat(value(publisher.connection(), "SHOW wal_level")).isEqualTo("logical");
        subscriber = TestDatabase.create("backfill_sub");
        exec(subscriber.spec(), "CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, pad text NOT NULL)");
        exec(subscriber.spec(), "CREATE SUBSCRIPTION backfill_sub CONNECTION 'host=127.0.0.1 port=" + publisher.port()
                + " dbname=" + Embedded.DATABASE + " user=" + Embedded.SUPERUSER + "' PUBLICATION backfill_pub");
        waitFor(() -> "20000".equals(value(subscriber.spec(), "SELECT count(*) FROM items"))
                && "0".equals(value(subscriber.spec(), "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")), 60);
    }

    @AfterEach
    void tearDown() {
        try {
            exec(subscriber.spec(), "ALTER SUBSCRIPTION backfill_sub DISABLE");
            exec(subscriber.spec(), "ALTER SUBSCRIPTION backfill_sub SET (slot_name = NONE)");
            exec(subscriber.spec(), "DROP SUBSCRIPTION backfill_sub");
        } finally {
            subscriber.close();
            publisher.close();
        }
    }

    private static void exec(ConnectionSpec db, String sql) {
        try (Connection c = db.open("bulwark-test"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String value(ConnectionSpec db, String sql) {
        try (Connection c = db.open("bulwark-test"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void waitFor(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + "s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A session on the subscriber whose lock its apply worker waits for: the replay position stops while the publisher writes on. */
    private Connection holdSubscriber() throws SQLException {
        Connection hold = subscriber.open();
        hold.setAutoCommit(false);
        try (Statement s = hold.createStatement()) {
            s.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
        }
        return hold;
    }

    /** {@code SET n = n + 1} on every row, in the background, with a 10 min time limit and the given byte limit. */
    private CompletableFuture<BackfillResult> backfill(Connection work, long firstBatchRows, long maxLagBytes) {
        BackfillOptions options = new BackfillOptions(Duration.ofMillis(200), firstBatchRows, Duration.ofMinutes(10), maxLagBytes,
                null, 0, Duration.ofSeconds(30), Duration.ofMillis(100), false, false);
        BackfillStatement statement = BackfillStatement.of("items", "n = n + 1", null);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new Backfiller(work, "public", options, Listener.each(log::add), null)
                        .run(statement, Backfiller.jobFor(statement), false);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void pausesWhileTheLogicalSubscriberLagsAboveTheLimitAndFinishesOnceItCaughtUp() throws Exception {
        try (Connection hold = holdSubscriber(); Connection work = publisher.connection().open("bulwark-test")) {
            CompletableFuture<BackfillResult> run = backfill(work, 500, 256 * 1024);
            waitFor(() -> log.stream().anyMatch(l -> l.contains("paused: replica lag")) || run.isDone(), 60);
            assertThat(log).as(String.join("\n", log)).anyMatch(l -> l.startsWith("  paused: replica lag: standby 'backfill_sub' is ")
                    && l.contains(" behind") && l.endsWith("(--max-lag 10min, 256.0 kB)"));
            long during = Long.parseLong(value(publisher.connection(), "SELECT count(*) FROM items WHERE n = 1"));
            Thread.sleep(1500);
            assertThat(run).isNotDone();
            assertThat(value(publisher.connection(), "SELECT count(*) FROM items WHERE n = 1")).as("no batch while paused")
                    .isEqualTo(Long.toString(during));
            assertThat(during).isLessThan(ROWS);

            hold.rollback(); // the subscriber catches up
            BackfillResult r = run.get(120, TimeUnit.SECONDS);
            assertThat(r.rows()).isEqualTo(ROWS);
            assertThat(r.pauses()).isPositive();
            assertThat(r.pauseMs()).isGreaterThanOrEqualTo(1500);
            assertThat(log).anyMatch(l -> l.startsWith("  resumed after"));
        }
        assertThat(value(publisher.connection(), "SELECT count(*) FROM items WHERE n <> 1")).isEqualTo("0");
        assertThat(value(publisher.connection(), "SELECT pauses > 0 FROM bulwark_backfill")).isEqualTo("t");
        waitFor(() -> "0".equals(value(subscriber.spec(), "SELECT count(*) FROM items WHERE n <> 1")), 60);
    }

    @Test
    void aFinishedBackfillWaitsForTheSubscriberBeforeTheStepsAfterItRun() throws Exception {
        // one batch of every row (about 5 MB of WAL) against a 1 MB limit: the batch runs (no lag before it, no
        // estimate yet), then the run hands over only once the subscriber is at most a quarter of the limit behind
        try (Connection hold = holdSubscriber(); Connection work = publisher.connection().open("bulwark-test")) {
            CompletableFuture<BackfillResult> run = backfill(work, ROWS + 1, 1024 * 1024);
            waitFor(() -> log.stream().anyMatch(l -> l.contains("paused: replica lag")) || run.isDone(), 60);
            assertThat(value(publisher.connection(), "SELECT count(*) FROM items WHERE n = 1")).as("every row was done in one batch")
                    .isEqualTo(Integer.toString(ROWS));
            assertThat(log).as(String.join("\n", log)).anyMatch(l -> l.startsWith("  paused: replica lag: standby 'backfill_sub' is ")
                    && l.contains(" behind; the backfill is done, and the steps after it wait for the standbys to be at most 256.0 kB behind"
                    + " (--max-lag 10min, 1.0 MB)"));
            Thread.sleep(1500);
            assertThat(run).as("the run has not handed over while the subscriber lags").isNotDone();

            hold.rollback();
            BackfillResult r = run.get(120, TimeUnit.SECONDS);
            assertThat(r.rows()).isEqualTo(ROWS);
            assertThat(r.batches()).isEqualTo(1);
            assertThat(r.pauses()).isEqualTo(1);
            assertThat(r.pauseMs()).isGreaterThanOrEqualTo(1500);
        }
        waitFor(() -> "0".equals(value(subscriber.spec(), "SELECT count(*) FROM items WHERE n <> 1")), 60);
    }
}
