package dev.bulwark.fingerprint;

import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.DataComparison.TableComparison;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunks by key range over several connections in one snapshot: the same answer as one connection, at one instant. */
class ParallelFingerprintIT {
    static final String DATA = """
            CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2), placed timestamptz,
                                 attrs jsonb, ref uuid);
            INSERT INTO orders SELECT g, 'customer ' || g, (g % 1000) / 10.0, '2026-01-01'::timestamptz + g * interval '1 minute',
                                      jsonb_build_object('n', g), md5(g::text)::uuid FROM generate_series(1, 20000) g;
            CREATE TABLE accounts (id uuid PRIMARY KEY, balance numeric NOT NULL);
            INSERT INTO accounts SELECT md5(g::text)::uuid, g FROM generate_series(1, 3500) g;
            CREATE TABLE events (at timestamptz, kind text, payload jsonb);
            INSERT INTO events SELECT '2026-01-01'::timestamptz + g * interval '1 second', 'k' || (g % 3), jsonb_build_object('g', g % 10)
                                 FROM generate_series(1, 12000) g;
            INSERT INTO events SELECT * FROM events WHERE kind = 'k0';
            CREATE TABLE members (code int NOT NULL UNIQUE, name text);
            INSERT INTO members SELECT g * 3, 'm' || g FROM generate_series(1, 4000) g;
            ANALYZE;
            """;

    TestDatabase db;

    @BeforeEach
    void create() throws SQLException {
        db = TestDatabase.create("fingerprint_parallel");
        db.execute(DATA);
    }

    @AfterEach
    void drop() {
        db.close();
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** In a REPEATABLE READ, READ ONLY transaction, as Bulwark's callers run it. */
    <T> T readOnly(Work<T> work) throws SQLException {
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            T t = work.run(c);
            c.rollback();
            return t;
        }
    }

    DataSnapshot serial() throws SQLException {
        return readOnly(c -> new Fingerprinter(c, 1000).snapshot(new CatalogReader(c).read()));
    }

    DataSnapshot parallel(AtomicInteger opened) throws SQLException {
        return readOnly(c -> new Fingerprinter(c, 1000, () -> {
            opened.incrementAndGet();
            return db.open();
        }, 3).snapshot(new CatalogReader(c).read()));
    }

    static TableFingerprint table(DataSnapshot s, String name) {
        return s.tables().stream().filter(t -> t.table().name().equals(name)).findFirst().orElseThrow();
    }

    /** A documented row hash, computed by one plain query over the whole table. */
    BigInteger[] wholeTable(String table, String rowHash) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3");
            try (ResultSet rs = s.executeQuery("SELECT count(*), COALESCE(sum(" + rowHash + "), 0) FROM " + table + " AS t")) {
                rs.next();
                return new BigInteger[]{BigInteger.valueOf(rs.getLong(1)), rs.getBigDecimal(2).toBigIntegerExact()};
            }
        }
    }

    @Test
    void parallelChunksEqualSerialOnesAndTheDocumentedWholeTableHash() throws SQLException {
        AtomicInteger opened = new AtomicInteger();
        DataSnapshot parallel = parallel(opened);
        DataSnapshot serial = serial();
        assertThat(opened.get()).isEqualTo(2);
        assertThat(parallel.tables()).isEqualTo(serial.tables());
        assertThat(table(parallel, "orders").chunks()).hasSize(20);
        assertThat(table(parallel, "accounts").chunks()).hasSize(4);

        assertThat(parallel.algorithm()).isEqualTo(Fingerprinter.RECORD_ALGORITHM);
        BigInteger[] orders = wholeTable("orders",
                "hash_record_extended(ROW(t.id, t.customer COLLATE \"C\", t.amount::text, t.placed, t.attrs, t.ref), 0)");
        assertThat(table(parallel, "orders").rows()).isEqualTo(orders[0].longValue());
        assertThat(table(parallel, "orders").hash()).isEqualTo(Fingerprinter.hex(orders[1]));
        BigInteger[] events = wholeTable("events", "hash_record_extended(ROW(t.at, t.kind COLLATE \"C\", t.payload), 0)");
        assertThat(table(parallel, "events").rows()).isEqualTo(16000).isEqualTo(events[0].longValue());
        assertThat(table(parallel, "events").hash()).isEqualTo(Fingerprinter.hex(events[1]));
    }

    @Test
    void theFirstAlgorithmStillGivesTheFirstFormatsHashesInParallel() throws SQLException {
        DataSnapshot text = readOnly(c -> {
            Fingerprinter f = new Fingerprinter(c, 1000, db::open, 3);
            f.useAlgorithm(Fingerprinter.ALGORITHM);
            return f.snapshot(new CatalogReader(c).read());
        });
        assertThat(text.algorithm()).isEqualTo(Fingerprinter.ALGORITHM);
        BigInteger[] orders = wholeTable("orders", "hashtextextended(ROW(t.id, t.customer, t.amount, t.placed, t.attrs, t.ref)::text, 0)");
        assertThat(table(text, "orders").hash()).isEqualTo(Fingerprinter.hex(orders[1]));
        BigInteger[] events = wholeTable("events", "hashtextextended(ROW(t.at, t.kind, t.payload)::text, 0)");
        assertThat(table(text, "events").hash()).isEqualTo(Fingerprinter.hex(events[1]));
        assertThat(table(text, "orders").chunks()).hasSize(20);
    }

    @Test
    void oneChangedRowChangesExactlyItsChunk() throws SQLException {
        DataSnapshot before = parallel(new AtomicInteger());
        db.execute("UPDATE orders SET amount = amount + 1 WHERE id = 12345");
        DataSnapshot after = parallel(new AtomicInteger());
        TableFingerprint a = table(before, "orders");
        TableFingerprint b = table(after, "orders");
        List<Long> differing = new ArrayList<>();
        for (int i = 0; i < a.chunks().size(); i++) {
            assertThat(b.chunks().get(i).index()).isEqualTo(a.chunks().get(i).index());
            if (!a.chunks().get(i).equals(b.chunks().get(i))) {
                differing.add(a.chunks().get(i).index());
            }
        }
        assertThat(differing).containsExactly(12L); // keys 12001..13000
        assertThat(b.rows()).isEqualTo(a.rows());
        assertThat(b.hash()).isNotEqualTo(a.hash());
        for (String other : List.of("accounts", "events", "members")) {
            assertThat(table(after, other)).isEqualTo(table(before, other));
        }
    }

    @Test
    void tablesWithoutAKeyAreSplitByBlockRangesAndSeeEveryRowOnce() throws SQLException {
        DataSnapshot s = parallel(new AtomicInteger());
        TableFingerprint events = table(s, "events");
        assertThat(events.chunking()).isNull();
        assertThat(events.chunks()).isEmpty();
        List<Fingerprinter.Task> tasks = readOnly(c -> new Fingerprinter(c, 1000)
                .plan(0, new Fingerprinter.Target(events.table(), events.columns(), null, false), null));
        assertThat(tasks).hasSizeGreaterThan(1).allSatisfy(t -> assertThat(t.sql()).contains("t.ctid >="));

        // a duplicate row removed (sum, not XOR) is seen
        db.execute("DELETE FROM events WHERE ctid = (SELECT min(ctid) FROM events WHERE kind = 'k0' AND payload = '{\"g\": 0}')");
        TableFingerprint after = table(parallel(new AtomicInteger()), "events");
        assertThat(after.rows()).isEqualTo(events.rows() - 1);
        assertThat(after.hash()).isNotEqualTo(events.hash());
    }

    @Test
    void aUniqueNotNullColumnChunksATableWithoutPrimaryKey() throws SQLException {
        TableFingerprint members = table(parallel(new AtomicInteger()), "members");
        assertThat(members.chunking()).isNotNull();
        assertThat(members.chunking().column()).isEqualTo("code");
        assertThat(members.chunks()).hasSize(4);
        assertThat(members.rows()).isEqualTo(4000);
    }

    @Test
    void writesCommittedDuringTheFingerprintDoNotMixIntoIt() throws Exception {
        DataSnapshot quiet = serial();
        AtomicInteger opened = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        AtomicInteger writes = new AtomicInteger();
        // moves rows between chunks (keys +/- 100000), changes rows of every chunk, over and over
        Thread writer = new Thread(() -> {
            try (Connection w = db.open(); Statement s = w.createStatement()) {
                while (!stop.get()) {
                    s.execute("UPDATE orders SET id = CASE WHEN id > 100000 THEN id - 100000 ELSE id + 100000 END,"
                            + " customer = customer || '' WHERE id % 97 = " + (writes.get() % 97));
                    s.execute("UPDATE accounts SET balance = balance + 1 WHERE balance::int % 50 = " + (writes.get() % 50));
                    s.execute("INSERT INTO events SELECT * FROM events LIMIT 100");
                    writes.incrementAndGet();
                }
            } catch (Throwable e) {
                writerFailed.set(e);
            }
        });
        DataSnapshot during;
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            CatalogSnapshot catalog = new CatalogReader(c).read(); // this transaction's snapshot is now taken
            writer.start();
            while (writes.get() < 3 && writerFailed.get() == null) {
                Thread.sleep(10); // committed after the snapshot, before any worker imports it
            }
            during = new Fingerprinter(c, 1000, () -> {
                opened.incrementAndGet();
                return db.open();
            }, 3).snapshot(catalog);
            c.rollback();
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailed.get()).isNull();
        assertThat(opened.get()).isEqualTo(2);
        assertThat(writes.get()).isGreaterThanOrEqualTo(3);
        assertThat(during.tables()).isEqualTo(quiet.tables());
        // and the writes were real: a fingerprint now differs
        assertThat(table(serial(), "orders").chunks()).isNotEqualTo(table(quiet, "orders").chunks());
    }

    @Test
    void chunkQueriesDoNotSpillOnATableLargerThanWorkMem() throws SQLException {
        db.execute("CREATE TABLE big (id int PRIMARY KEY, pad text); INSERT INTO big SELECT g, repeat(md5(g::text), 4)"
                + " FROM generate_series(1, 60000) g; ANALYZE big;");
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL work_mem = '64kB'");
                try (ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('big') > 64 * 1024 * 100")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).isTrue();
                }
            }
            // the checker sees a spill where there is one: a sort of the table under the same work_mem
            assertThat(explain(c, "SELECT * FROM big ORDER BY pad", List.of())).containsPattern("Disk:|temp (read|written)");

            Fingerprinter f = new Fingerprinter(c, 5000);
            f.pinSettings();
            TableRef big = new TableRef("public", "big");
            CatalogSnapshot catalog = new CatalogReader(c).read();
            Chunking chunking = f.chooseChunking(big, false, catalog.table(big).orElseThrow().column("id").orElseThrow(), 60000L);
            List<Fingerprinter.Task> tasks = f.plan(0, new Fingerprinter.Target(big, List.of("id", "pad"), chunking, false), null);
            assertThat(tasks).hasSize(12);
            for (Fingerprinter.Task t : tasks) {
                String plan = explain(c, t.sql(), t.params());
                assertThat(plan).doesNotContainPattern("Disk:|temp (read|written)|HashAggregate|GroupAggregate|Sort");
                assertThat(plan).contains("big_pkey");
            }
            c.rollback();
        }
    }

    static String explain(Connection c, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        }
    }

    @Test
    void onlyTheChunksWrittenSinceASnapshotAreRefingerprintedAndCompared() throws SQLException {
        String[] horizon = new String[1];
        DataSnapshot before = readOnly(c -> {
            Fingerprinter f = new Fingerprinter(c, 1000, db::open, 3);
            DataSnapshot s = f.snapshot(new CatalogReader(c).read());
            horizon[0] = f.transactionHorizon();
            return s;
        });
        db.execute("UPDATE orders SET amount = 0 WHERE id = 3500; DELETE FROM orders WHERE id = 7001; INSERT INTO orders (id, customer) VALUES (25000, 'new')");
        TableFingerprint orders = table(before, "orders");
        Set<Long> written = readOnly(c -> {
            Fingerprinter f = new Fingerprinter(c, 1000);
            f.pinSettings();
            return f.chunksWrittenSince(new Fingerprinter.Target(orders.table(), orders.columns(), orders.chunking(), false),
                    orders, horizon[0]);
        });
        assertThat(written).containsExactly(3L, 7L, 24L);

        DataComparison c = readOnly(conn -> new DataComparer(new Fingerprinter(conn, 1000, db::open, 3))
                .compare(before, new CatalogReader(conn).read(), t -> null, Map.of(orders.table(), written)));
        assertThat(c.tables()).singleElement().satisfies(t -> {
            assertThat(t.table().name()).isEqualTo("orders");
            assertThat(t.chunks()).extracting(ch -> ch.describe("id")).containsExactly(
                    "chunk 3 (id 3001..4000): same 1000 rows, content changed",
                    "chunk 7 (id 7001..8000): 1 row removed",
                    "chunk 24 (id 24001..25000): 1 row added");
        });
        // the same chunks, taken from a full comparison
        DataComparison full = readOnly(conn -> new DataComparer(new Fingerprinter(conn, 1000)).compare(before,
                new CatalogReader(conn).read(), t -> null));
        assertThat(full.changedChunks()).containsExactly(Map.entry(orders.table(), Set.of(3L, 7L, 24L)));
        TableComparison whole = full.tables().stream().filter(t -> t.table().equals(orders.table())).findFirst().orElseThrow();
        assertThat(whole.chunks()).isEqualTo(c.tables().get(0).chunks());
    }
}
