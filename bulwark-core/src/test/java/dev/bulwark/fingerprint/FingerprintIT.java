package dev.bulwark.fingerprint;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.fingerprint.DataComparison.TableComparison;
import dev.bulwark.fingerprint.DataComparison.TableComparison.Status;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FingerprintIT {
    static final String DATA = """
            CREATE TABLE users (id bigint PRIMARY KEY, email text, created timestamptz, score float8, avatar bytea, took interval);
            INSERT INTO users SELECT g, 'u' || g || '@x', '2026-01-01'::timestamptz + g * interval '1 minute', g / 7.0,
                                     decode(md5(g::text), 'hex'), g * interval '1.5 second' FROM generate_series(1, 10000) g;
            CREATE TABLE "Order Items" ("Order ID" int PRIMARY KEY, qty int NOT NULL, note text);
            INSERT INTO "Order Items" SELECT g, g % 5, NULL FROM generate_series(1, 5000) g;
            CREATE TABLE log (line text);
            INSERT INTO log VALUES ('same'), ('same'), ('other');
            CREATE TABLE tags (name text PRIMARY KEY);
            INSERT INTO tags VALUES ('a'), ('b');
            ANALYZE;
            """;

    TestDatabase db;

    @BeforeEach
    void create() throws SQLException {
        db = TestDatabase.create("fingerprint");
        db.execute(DATA);
    }

    @AfterEach
    void drop() {
        db.close();
    }

    /** Chunks of 1000 rows, so the small tables above still have several. */
    DataSnapshot snapshot() throws SQLException {
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            DataSnapshot s = new Fingerprinter(c, 1000).snapshot(new CatalogReader(c).read());
            c.rollback();
            // what --snapshot writes and --compare reads
            return CatalogJson.read(CatalogJson.write(s), DataSnapshot.class);
        }
    }

    DataComparison compare(DataSnapshot before, Function<TableRef, String> expected) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'Pacific/Auckland'; SET IntervalStyle = 'iso_8601'; SET bytea_output = 'escape'; SET extra_float_digits = 0");
            c.setAutoCommit(false);
            DataComparison r = new DataComparer(new Fingerprinter(c, 1000)).compare(before, new CatalogReader(c).read(), expected);
            c.rollback();
            return r;
        }
    }

    static TableComparison table(DataComparison c, String name) {
        return c.tables().stream().filter(t -> t.table().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void untouchedDatabaseComparesIdenticalWhateverTheSessionSettings() throws SQLException {
        DataSnapshot before = snapshot();
        assertThat(before.tables()).extracting(t -> t.table().name()).containsExactly("Order Items", "log", "tags", "users");
        TableFingerprint users = before.tables().get(3);
        assertThat(users.rows()).isEqualTo(10000);
        assertThat(users.chunking().column()).isEqualTo("id");
        assertThat(users.chunking().arithmetic()).isTrue();
        assertThat(users.chunks()).hasSize(10);
        DataComparison c = compare(before, t -> null);
        assertThat(c.verdict()).isEqualTo(DataComparison.Verdict.IDENTICAL);
        assertThat(c.tables()).allSatisfy(t -> assertThat(t.status()).isEqualTo(Status.IDENTICAL));
    }

    @Test
    void deleteUpdateAndInsertAreNamedByTableChunkAndKind() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("""
                DELETE FROM users WHERE id = 4321;
                UPDATE "Order Items" SET note = 'gift' WHERE "Order ID" = 2500;
                INSERT INTO tags VALUES ('c');
                """);
        DataComparison c = compare(before, t -> null);
        assertThat(c.verdict()).isEqualTo(DataComparison.Verdict.DATA_LOST_OR_CHANGED);

        TableComparison users = table(c, "users");
        assertThat(users.status()).isEqualTo(Status.CHANGED);
        assertThat(users.rowsRemoved()).isEqualTo(1);
        assertThat(users.chunks()).singleElement().satisfies(ch ->
                assertThat(ch.describe("id")).isEqualTo("chunk 4 (id 4001..5000): 1 row removed"));

        TableComparison items = table(c, "Order Items");
        assertThat(items.status()).isEqualTo(Status.CHANGED);
        assertThat(items.rowsBefore()).isEqualTo(items.rowsAfter());
        assertThat(items.chunks()).singleElement().satisfies(ch ->
                assertThat(ch.describe("Order ID")).isEqualTo("chunk 2 (Order ID 2001..3000): same 1000 rows, content changed"));

        TableComparison tags = table(c, "tags");
        assertThat(tags.rowsAdded()).isEqualTo(1);
        assertThat(tags.chunks()).singleElement().satisfies(ch -> assertThat(ch.describe("name"))
                .isEqualTo("chunk 1 (name >= 'a'): 1 row added"));

        assertThat(table(c, "log").status()).isEqualTo(Status.IDENTICAL);
    }

    @Test
    void declaredChangesAreReportedAsExpected() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("DELETE FROM users WHERE id > 9000; DROP TABLE tags;");
        DataComparison c = compare(before, t -> t.name().equals("users") || t.name().equals("tags") ? "V2__prune.sql" : null);
        assertThat(c.verdict()).isEqualTo(DataComparison.Verdict.CHANGED_AS_EXPECTED);
        assertThat(table(c, "users").status()).isEqualTo(Status.CHANGED_AS_EXPECTED);
        assertThat(table(c, "users").rowsRemoved()).isEqualTo(1000);
        assertThat(table(c, "users").expectedBy()).isEqualTo("V2__prune.sql");
        assertThat(table(c, "tags").status()).isEqualTo(Status.DROPPED_AS_EXPECTED);
    }

    @Test
    void droppedTableUndeclaredIsDataLost() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("DROP TABLE log");
        DataComparison c = compare(before, t -> null);
        assertThat(table(c, "log").status()).isEqualTo(Status.DROPPED);
        assertThat(table(c, "log").rowsRemoved()).isEqualTo(3);
        assertThat(c.verdict()).isEqualTo(DataComparison.Verdict.DATA_LOST_OR_CHANGED);
    }

    @Test
    void oneOfTwoIdenticalRowsDeletedIsDetectedBecauseHashesAreSummedNotXored() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("DELETE FROM log WHERE ctid = (SELECT min(ctid) FROM log WHERE line = 'same'); INSERT INTO log VALUES ('other')");
        TableComparison log = table(compare(before, t -> null), "log");
        assertThat(log.status()).isEqualTo(Status.CHANGED);
        assertThat(log.rowsBefore()).isEqualTo(log.rowsAfter());
    }

    @Test
    void addedColumnLeavesTheFingerprintAloneAndDroppedColumnIsNamed() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("ALTER TABLE users ADD COLUMN nickname text DEFAULT 'x'; ALTER TABLE \"Order Items\" DROP COLUMN note;");
        DataComparison c = compare(before, t -> null);
        assertThat(table(c, "users").status()).isEqualTo(Status.IDENTICAL);
        TableComparison items = table(c, "Order Items");
        assertThat(items.status()).isEqualTo(Status.CHANGED);
        assertThat(items.note()).isEqualTo("columns dropped since the snapshot: note");
    }

    @Test
    void rowsInsertedBelowTheFirstKeyLandInNegativeChunks() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("INSERT INTO users (id) VALUES (0), (-1000), (-1001)");
        TableComparison users = table(compare(before, t -> null), "users");
        assertThat(users.chunks()).extracting(ch -> ch.describe("id")).containsExactly(
                "chunk -2 (id -1999..-1000): 2 rows added",
                "chunk -1 (id -999..0): 1 row added");
        assertThat(users.rowsAdded()).isEqualTo(3);
    }

    @Test
    void newTablesAreListedAndDoNotCountAsLoss() throws SQLException {
        DataSnapshot before = snapshot();
        db.execute("CREATE TABLE extra (id int PRIMARY KEY)");
        DataComparison c = compare(before, t -> null);
        assertThat(table(c, "extra").status()).isEqualTo(Status.NEW);
        assertThat(c.verdict()).isEqualTo(DataComparison.Verdict.IDENTICAL);
    }

    @Test
    void aSnapshotOfTheFirstFormatStillComparesAndFindsChanges() throws SQLException {
        // as the first versions wrote it: rows hashed as text, no algorithm but that one
        DataSnapshot old;
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            Fingerprinter f = new Fingerprinter(c, 1000);
            f.useAlgorithm(null);
            old = CatalogJson.read(CatalogJson.write(f.snapshot(new CatalogReader(c).read())), DataSnapshot.class);
            c.rollback();
        }
        assertThat(old.algorithm()).isEqualTo(Fingerprinter.ALGORITHM);
        assertThat(compare(old, t -> null).verdict()).isEqualTo(DataComparison.Verdict.IDENTICAL);
        db.execute("UPDATE users SET score = 0 WHERE id = 10");
        assertThat(table(compare(old, t -> null), "users").chunks()).extracting(ch -> ch.describe("id"))
                .containsExactly("chunk 0 (id 1..1000): same 1000 rows, content changed");
    }

    @Test
    void aSnapshotHashedByAnUnknownAlgorithmIsRefused() throws SQLException {
        DataSnapshot real = snapshot();
        DataSnapshot future = new DataSnapshot(real.format(), real.serverVersion(), real.takenAt(), real.knownAnswer(),
                "sum64(blake3(row)) v9", real.tables());
        assertThatThrownBy(() -> compare(future, t -> null)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("'sum64(blake3(row)) v9'").hasMessageContaining("does not know");
    }

    @Test
    void aChangeToAValueOfAnyColumnTypeIsSeenAndEveryTypeHashes() throws SQLException {
        db.execute("""
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN positive AS int CHECK (VALUE > 0);
                CREATE TYPE pair AS (a int, b text);
                CREATE TABLE kinds (id int PRIMARY KEY, n numeric, f float8, i interval, j json, jb jsonb, arr int[],
                    vc varchar(10), ch char(3), m mood, d positive, b bit(3), net cidr, tz timetz(3), p pair, r int4range,
                    ts timestamp(3), x xml, pt point, mon money, tv tsvector, by bytea, ip inet, mac macaddr, u uuid, ok boolean);
                INSERT INTO kinds SELECT g, 1.0, 0.1, '1 day', '{"a": 1}', '{"a": 1}', ARRAY[1, 2], 'v', 'c', 'ok', 5,
                    B'101', '10.0.0.0/8', '12:00:00+01', '(1,x)'::pair, '[1,5)', '2026-01-01 00:00:00', '<a/>', '(1,2)', 5,
                    'a b', decode('00', 'hex'), '10.0.0.1', '08:00:2b:01:02:03', md5(g::text)::uuid, true FROM generate_series(1, 30) g;
                CREATE TABLE kinds_before AS TABLE kinds;
                """);
        DataSnapshot before = snapshot();
        assertThat(before.algorithm()).isEqualTo(Fingerprinter.RECORD_ALGORITHM);
        assertThat(table(compare(before, t -> null), "kinds").status()).isEqualTo(Status.IDENTICAL);
        // row k+1 gets change k: to an equal value that prints differently, or to another value
        String[] changes = {"n = 1.00", "f = 0.1000001", "i = '24 hours'", "j = '{\"a\":1}'", "jb = '{\"a\": 2}'",
                "arr = ARRAY[2, 1]", "vc = 'V'", "ch = 'C'", "m = 'happy'", "d = 6", "b = B'100'", "net = '10.0.0.0/9'",
                "tz = '11:00:00+00'", "p = '(1,y)'::pair", "r = '[1,6)'", "ts = '2026-01-01 00:00:00.001'", "x = '<b/>'",
                "pt = '(2,1)'", "mon = 6", "tv = 'a c'", "by = decode('01', 'hex')", "ip = '10.0.0.2'",
                "mac = '08:00:2b:01:02:04'", "u = '00000000-0000-0000-0000-000000000000'", "ok = false"};
        for (int k = 0; k < changes.length; k++) {
            db.execute("UPDATE kinds SET " + changes[k] + " WHERE id = " + (k + 1));
        }
        TableComparison kinds = table(compare(before, t -> null), "kinds");
        assertThat(kinds.status()).isEqualTo(Status.CHANGED);
        assertThat(kinds.rowsBefore()).isEqualTo(kinds.rowsAfter());

        // one chunk per key, each row against its copy from before the changes
        List<String> columns = before.tables().stream().filter(t -> t.table().name().equals("kinds")).findFirst().orElseThrow().columns();
        List<Integer> differing = new java.util.ArrayList<>();
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            Fingerprinter f = new Fingerprinter(c, 1000);
            f.pinSettings();
            for (int id = 1; id <= 30; id++) {
                Chunking single = new Chunking("id", "integer", (long) id, 1L, List.of());
                String now = f.fingerprintChunks(new Fingerprinter.Target(new TableRef("public", "kinds"), columns, single, false),
                        List.of(0L)).hash();
                String was = f.fingerprintChunks(new Fingerprinter.Target(new TableRef("public", "kinds_before"), columns, single,
                        false), List.of(0L)).hash();
                if (!now.equals(was)) {
                    differing.add(id);
                }
            }
            c.rollback();
        }
        assertThat(differing).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, changes.length).boxed().toList());
    }

    @Test
    void snapshotFromAServerWithAnotherHashIsRefused() throws SQLException {
        DataSnapshot real = snapshot();
        DataSnapshot foreign = new DataSnapshot(real.format(), "99.0", real.takenAt(), "0000000000000000", real.algorithm(), real.tables());
        assertThatThrownBy(() -> compare(foreign, t -> null)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("PostgreSQL 99.0").hasMessageContaining("every row would compare as changed");
    }

    @Test
    void partitionedTablesAreFingerprintedThroughTheirParent() throws SQLException {
        db.execute("""
                CREATE TABLE events (id bigint, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                CREATE TABLE events_a PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
                CREATE TABLE events_b PARTITION OF events FOR VALUES FROM ('2026-07-01') TO ('2027-01-01');
                INSERT INTO events SELECT g, '2026-01-01'::date + g FROM generate_series(1, 300) g;
                """);
        DataSnapshot before = snapshot();
        assertThat(before.tables()).extracting(t -> t.table().name()).contains("events").doesNotContain("events_a", "events_b");
        assertThat(before.tables().stream().filter(t -> t.table().name().equals("events")).findFirst().orElseThrow().rows())
                .isEqualTo(300);
        db.execute("DELETE FROM events_b WHERE id = 250");
        assertThat(table(compare(before, t -> null), "events").rowsRemoved()).isEqualTo(1);
    }

    @Test
    void negativeKeysAreChunkedByExactFloorDivision() throws SQLException {
        db.execute("CREATE TABLE ledger (id int PRIMARY KEY, v int); INSERT INTO ledger SELECT g, g FROM generate_series(-5000, -1) g; ANALYZE ledger");
        DataSnapshot before = snapshot();
        TableFingerprint ledger = before.tables().stream().filter(t -> t.table().name().equals("ledger")).findFirst().orElseThrow();
        assertThat(ledger.chunks()).hasSize(5);
        db.execute("UPDATE ledger SET v = 0 WHERE id = -2500; INSERT INTO ledger VALUES (7, 7)");
        assertThat(table(compare(before, t -> null), "ledger").chunks()).extracting(ch -> ch.describe("id")).containsExactly(
                "chunk 2 (id -3000..-2001): same 1000 rows, content changed",
                "chunk 5 (id 0..999): 1 row added");
    }

    @Test
    void uuidKeysAreChunkedBetweenBoundaryKeys() throws SQLException {
        db.execute("""
                CREATE TABLE accounts (id uuid PRIMARY KEY, balance numeric NOT NULL);
                INSERT INTO accounts SELECT md5(g::text)::uuid, g FROM generate_series(1, 3500) g;
                ANALYZE accounts;
                """);
        DataSnapshot before = snapshot();
        TableFingerprint accounts = before.tables().stream().filter(t -> t.table().name().equals("accounts")).findFirst().orElseThrow();
        assertThat(accounts.chunking().arithmetic()).isFalse();
        assertThat(accounts.chunking().boundaries()).hasSize(4);
        assertThat(accounts.chunks()).extracting(TableFingerprint.Chunk::rows).containsExactly(1000L, 1000L, 1000L, 500L);
        String second = accounts.chunking().boundaries().get(1);
        String third = accounts.chunking().boundaries().get(2);
        db.execute("UPDATE accounts SET balance = -1 WHERE id = '" + second + "'; INSERT INTO accounts VALUES ('00000000-0000-0000-0000-000000000000', 0)");
        TableComparison c = table(compare(before, t -> null), "accounts");
        assertThat(c.chunks()).extracting(ch -> ch.describe("id")).containsExactly(
                "chunk 0 (id < '" + accounts.chunking().boundaries().get(0) + "'): 1 row added",
                "chunk 2 (id >= '" + second + "' and id < '" + third + "'): same 1000 rows, content changed");
    }
}
