package dev.bulwark.expand;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.execute.Applied;
import dev.bulwark.Listener;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationOptions.Phase;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.plan.MigrationStatus;
import dev.bulwark.rehearse.Rehearsal;
import dev.bulwark.rehearse.RehearsalResult;
import dev.bulwark.rehearse.RehearsalResult.MigrationRehearsal;
import dev.bulwark.rehearse.TraceFinding;
import dev.bulwark.testing.TestDatabase;
import dev.bulwark.trace.LockTaken;
import dev.bulwark.trace.ScanObserved;
import dev.bulwark.trace.StatementTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each plan kind, generated from a one-line migration, rehearsed on the embedded server (no strong
 * lock held across a scan or a rewrite), deployed in two phases (migrate stops at the barrier, then
 * runs the contract phase when allowed), and compared with what the one-line migration gives on an
 * identical database: same data (fingerprints), same columns, constraints and indexes.
 */
class ExpandContractIT {
    private static final String ORDERS = "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " customer text NOT NULL, amount integer NOT NULL, note text);\n";

    @TempDir
    Path tmp;
    TestDatabase planned;
    TestDatabase reference;

    @BeforeEach
    void setUp() {
        planned = TestDatabase.create("expand_plan");
        reference = TestDatabase.create("expand_ref");
    }

    @AfterEach
    void tearDown() {
        planned.close();
        reference.close();
    }

    // ------------------------------------------------------------------ the kinds

    @Test
    void typeChangeKeepsConcurrentWritesThroughTheOldColumnAndEndsLikeTheOneLiner() throws Exception {
        int rows = 150_000;
        String setup = ORDERS + "INSERT INTO orders (customer, amount, note) SELECT 'c' || g, g % 1000, CASE WHEN g % 3 = 0"
                + " THEN NULL ELSE 'n' || g END FROM generate_series(1, " + rows + ") g;";
        String oneLiner = "ALTER TABLE orders ALTER COLUMN amount TYPE bigint;";
        Plan p = generate(setup, oneLiner);
        assertThat(p.plan.kind()).isEqualTo(ExpandPlan.Kind.TYPE_CHANGE);
        assertShortLocks(p);
        // the check can fail: the one-liner rewrites orders under ACCESS EXCLUSIVE
        assertThat(strongLockOverScanOrRewrite(rehearseOneLiner(setup, oneLiner), Set.of("0002"))).isNotEmpty();

        // expand: first the new column and its trigger, then a writer through the old column while the rest runs
        Writer writer = new Writer(planned.spec(), rows);
        try (Bulwark b = open(p.dir, planned.spec())) {
            String firstExpand = p.ids.get(0);
            assertThat(b.migrate(firstExpand, false, false).applied()).extracting(Applied::id).containsExactly("0001", firstExpand);
            writer.start();
            writer.awaitOps(50);
            writer.migrating.set(true);
            MigrateResult expand = b.migrate(null, false, false);
            writer.migrating.set(false);
            writer.awaitOps(writer.ops.get() + 50);
            writer.stop();
            assertThat(expand.barrier()).isNotNull();
            assertThat(expand.barrier().id()).isEqualTo(p.firstContract());
            assertThat(expand.applied()).extracting(Applied::id).containsExactlyElementsOf(p.expandIds().subList(1, p.expandIds().size()));
            assertThat(writer.duringMigrate.get()).as("writes that ran while the backfill ran").isPositive();
            // the backfill ran in key-range batches, each its own transaction, not as one UPDATE
            String done = said.stream().filter(l -> l.contains("backfill of ") && l.contains(" done: ")).findFirst().orElseThrow();
            // rows the writer touched first were filled by the trigger, and the backfill's WHERE skips them
            assertThat(Long.parseLong(done.replaceAll(".* done: (\\d+) rows.*", "$1"))).isBetween(rows - (long) writer.ops.get(), (long) rows);
            assertThat(Long.parseLong(done.replaceAll(".* rows in (\\d+) batches.*", "$1"))).isGreaterThan(1);
            // every write through the old column, before, during and after the backfill, is in the new one
            assertThat(value(planned.spec(), "SELECT count(*) FROM orders WHERE amount_new IS DISTINCT FROM amount")).isEqualTo("0");
            assertThat(value(planned.spec(), "SELECT count(*) FROM orders WHERE customer LIKE 'w%'")).isNotEqualTo("0");
            contract(b, p);
        }
        // the same writes on the reference, then the one-liner
        try (Bulwark b = open(reference(setup, oneLiner), reference.spec())) {
            b.migrate("0001", false, false);
            writer.replay(reference.spec());
            b.migrate(null, false, false);
        }
        assertSameTable("orders", List.of("id", "customer", "amount", "note"));
        assertThat(value(planned.spec(), "SELECT count(*) FROM orders")).isEqualTo(String.valueOf(rows + writer.inserts()));
    }

    @Test
    void setNotNullValidatesACheckAndEndsLikeTheOneLiner() throws Exception {
        String setup = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n"
                + "INSERT INTO accounts SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 20000) g;";
        String oneLiner = "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;";
        Plan p = generate(setup, oneLiner);
        assertThat(p.plan.kind()).isEqualTo(ExpandPlan.Kind.SET_NOT_NULL);
        assertShortLocks(p);
        deployInTwoPhases(p, () -> {
            // between the phases the check already refuses a new NULL
            assertThat(fails(planned.spec(), "INSERT INTO accounts VALUES (0, NULL)")).contains("accounts_email_not_null");
        });
        applyReference(setup, oneLiner);
        assertSameTable("accounts", List.of("id", "email"));
    }

    @Test
    void renameKeepsBothNamesInStepAndEndsLikeTheOneLiner() throws Exception {
        String setup = ORDERS + "INSERT INTO orders (customer, amount, note) SELECT 'c' || g, g, 'n' || g FROM generate_series(1, 20000) g;";
        String oneLiner = "ALTER TABLE orders RENAME COLUMN note TO remark;";
        Plan p = generate(setup, oneLiner);
        assertThat(p.plan.kind()).isEqualTo(ExpandPlan.Kind.RENAME_COLUMN);
        assertShortLocks(p);
        deployInTwoPhases(p, () -> {
            // old and new releases side by side: a write through either name shows under both
            exec(planned.spec(), "UPDATE orders SET note = 'old name' WHERE id = 1");
            exec(planned.spec(), "UPDATE orders SET remark = 'new name' WHERE id = 2");
            exec(planned.spec(), "INSERT INTO orders (customer, amount, remark) VALUES ('x', 1, 'inserted new')");
            assertThat(value(planned.spec(), "SELECT count(*) FROM orders WHERE note IS DISTINCT FROM remark")).isEqualTo("0");
            // undo those writes so the data can be compared with the reference
            exec(planned.spec(), "DELETE FROM orders WHERE customer = 'x'");
            exec(planned.spec(), "UPDATE orders SET note = 'n' || id WHERE id IN (1, 2)");
        });
        applyReference(setup, oneLiner);
        assertSameTable("orders", List.of("id", "customer", "amount", "remark"));
        assertThat(columns(planned.spec(), "orders")).doesNotContain("note");
    }

    @Test
    void volatileDefaultGivesEveryOldRowItsOwnValueAndEndsLikeTheOneLiner() throws Exception {
        String setup = ORDERS + "INSERT INTO orders (customer, amount) SELECT 'c' || g, g FROM generate_series(1, 20000) g;";
        String oneLiner = "ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();";
        Plan p = generate(setup, oneLiner);
        assertThat(p.plan.kind()).isEqualTo(ExpandPlan.Kind.VOLATILE_DEFAULT);
        assertShortLocks(p);
        deployInTwoPhases(p, () -> {
            exec(planned.spec(), "INSERT INTO orders (customer, amount) VALUES ('new row', 1)");
            assertThat(value(planned.spec(), "SELECT count(*) FROM orders WHERE customer = 'new row' AND token IS NOT NULL")).isEqualTo("1");
            exec(planned.spec(), "DELETE FROM orders WHERE customer = 'new row'");
        });
        applyReference(setup, oneLiner);
        // random values differ run to run: the other columns are compared, and the token's shape
        assertSameTable("orders", List.of("id", "customer", "amount", "note"));
        for (ConnectionSpec db : List.of(planned.spec(), reference.spec())) {
            assertThat(value(db, "SELECT count(DISTINCT token) = count(*) AND count(token) = count(*) FROM orders")).isEqualTo("t");
        }
    }

    @Test
    void uniqueConstraintIsBuiltConcurrentlyAndEndsLikeTheOneLiner() throws Exception {
        String setup = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n"
                + "INSERT INTO accounts SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 20000) g;";
        String oneLiner = "ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);";
        Plan p = generate(setup, oneLiner);
        assertThat(p.plan.kind()).isEqualTo(ExpandPlan.Kind.ADD_UNIQUE);
        assertShortLocks(p);
        deployInTwoPhases(p, () ->
                assertThat(fails(planned.spec(), "INSERT INTO accounts VALUES (0, 'u1@example.com')")).contains("accounts_email_key"));
        applyReference(setup, oneLiner);
        assertSameTable("accounts", List.of("id", "email"));
    }

    @Test
    void foreignKeyIsAddedNotValidThenValidatedAndEndsLikeTheOneLiner() throws Exception {
        String setup = "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
                + "CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\n"
                + "CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);\n"
                + "INSERT INTO customers SELECT g FROM generate_series(1, 1000) g;\n"
                + "INSERT INTO invoices SELECT g, 1 + g % 1000 FROM generate_series(1, 20000) g;";
        String oneLiner = "ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)"
                + " ON DELETE CASCADE;";
        Plan p = generate(setup, oneLiner);
        assertThat(p.plan.kind()).isEqualTo(ExpandPlan.Kind.ADD_FOREIGN_KEY);
        assertShortLocks(p);
        deployInTwoPhases(p, () ->
                assertThat(fails(planned.spec(), "INSERT INTO invoices VALUES (0, 99999)")).contains("invoices_customer_fk"));
        applyReference(setup, oneLiner);
        assertSameTable("invoices", List.of("id", "customer_id"));
    }

    // ------------------------------------------------------------------ the steps every kind shares

    /** A generated plan written into a project folder, and the ids of its migrations. */
    private record Plan(Path dir, ExpandPlan plan, List<String> ids, List<Phase> phases) {
        List<String> expandIds() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (phases.get(i) == Phase.EXPAND) {
                    out.add(ids.get(i));
                }
            }
            return out;
        }

        String firstContract() {
            return ids.get(phases.indexOf(Phase.CONTRACT));
        }
    }

    private Plan generate(String setup, String oneLiner) throws Exception {
        Path dir = tmp.resolve("plan");
        write(dir, "0001_setup.sql", "-- bulwark:up\n" + setup + "\n");
        write(dir, "0002_change.sql", "-- bulwark:up\n" + oneLiner + "\n");
        MigrationSet set = MigrationSources.read(dir.resolve("migrations"), null);
        Migration target = set.migrations().stream().filter(m -> m.id().equals("0002")).findFirst().orElseThrow();
        ExpandPlan plan = ExpandPlanner.plan(set.migrations(), target, 16);
        PlanWriter.write(plan, dir.resolve("migrations"), MigrationFormat.BULWARK, target, Clock.systemUTC());
        MigrationSet written = MigrationSources.read(dir.resolve("migrations"), null);
        List<String> ids = written.migrations().stream().map(Migration::id).filter(id -> !id.equals("0001")).toList();
        List<Phase> phases = written.migrations().stream().filter(m -> !m.id().equals("0001"))
                .map(m -> m.options().phase()).toList();
        assertThat(ids).hasSize(plan.migrations().size());
        assertThat(phases).containsExactlyElementsOf(plan.migrations().stream().map(PlannedMigration::phase).toList());
        assertThat(Files.exists(dir.resolve("migrations/0002_change.sql")) && ids.stream().noneMatch(i -> i.equals("0002")))
                .as("the one-liner is replaced").isFalse();
        return new Plan(dir, plan, ids, phases);
    }

    /** Expand with the barrier, the check between the releases, then the contract phase. */
    private void deployInTwoPhases(Plan p, SqlCheck between) throws Exception {
        try (Bulwark b = open(p.dir, planned.spec())) {
            MigrateResult expand = b.migrate(null, false, false);
            assertThat(expand.applied()).extracting(Applied::id).containsExactlyElementsOf(
                    concat("0001", p.expandIds()));
            assertThat(expand.barrier()).isNotNull();
            assertThat(expand.barrier().id()).isEqualTo(p.firstContract());
            // a second run stops at the same place and applies nothing
            assertThat(b.migrate(null, false, false).applied()).isEmpty();
            between.run();
            contract(b, p);
        }
    }

    private void contract(Bulwark b, Plan p) {
        assertThat(b.status()).filteredOn(s -> s.migration() != null && s.migration().options().contract())
                .extracting(MigrationStatus::state).containsOnly(MigrationState.PENDING);
        b.allowContractPhase(true);
        MigrateResult contract = b.migrate(null, false, false);
        assertThat(contract.barrier()).isNull();
        assertThat(contract.applied()).extracting(Applied::id).containsExactlyElementsOf(
                p.ids.subList(p.ids.indexOf(p.firstContract()), p.ids.size()));
        assertThat(b.status()).extracting(MigrationStatus::state).containsOnly(MigrationState.APPLIED);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    private Path reference(String setup, String oneLiner) throws Exception {
        Path dir = tmp.resolve("reference");
        write(dir, "0001_setup.sql", "-- bulwark:up\n" + setup + "\n");
        write(dir, "0002_change.sql", "-- bulwark:up\n" + oneLiner + "\n");
        return dir;
    }

    private void applyReference(String setup, String oneLiner) throws Exception {
        try (Bulwark b = open(reference(setup, oneLiner), reference.spec())) {
            assertThat(b.migrate(null, false, false).applied()).hasSize(2);
        }
    }

    private static void write(Path project, String name, String text) throws Exception {
        Path p = project.resolve("migrations").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    /** What the engine said, for the backfill's batches. */
    final List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Bulwark open(Path project, ConnectionSpec db) {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(2), Duration.ZERO,
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        return Bulwark.open(c, db, Listener.each(said::add));
    }

    // ------------------------------------------------------------------ locks

    private RehearsalResult rehearse(Path project) {
        MigrationSet set = MigrationSources.read(project.resolve("migrations"), null);
        return new Rehearsal(set, planned.spec(), project, 0, Listener.SILENT).run();
    }

    private RehearsalResult rehearseOneLiner(String setup, String oneLiner) throws Exception {
        Path dir = tmp.resolve("one-liner");
        write(dir, "0001_setup.sql", "-- bulwark:up\n" + setup + "\n");
        write(dir, "0002_change.sql", "-- bulwark:up\n" + oneLiner + "\n");
        return rehearse(dir);
    }

    /** Rehearses the plan: it runs, and no statement of it holds a write-blocking lock across a scan or a rewrite. */
    private void assertShortLocks(Plan p) {
        RehearsalResult r = rehearse(p.dir);
        for (MigrationRehearsal m : r.migrations()) {
            assertThat(m.failure()).as(m.id() + " fails in the rehearsal").isNull();
            if (p.ids.contains(m.id())) {
                assertThat(m.findings()).extracting(TraceFinding::rule).doesNotContain(TraceFinding.SCAN_UNDER_LOCK);
            }
        }
        assertThat(r.migrations()).extracting(MigrationRehearsal::id).containsAll(p.ids);
        assertThat(strongLockOverScanOrRewrite(r, Set.copyOf(p.ids))).isEmpty();
        // the trace saw the plan's statements that scan: the check above had something to look at
        assertThat(r.migrations().stream().filter(m -> p.ids.contains(m.id())).flatMap(m -> m.up().stream())
                .filter(StatementTrace::traced)).isNotEmpty();
    }

    /** Statements of {@code ids} that rewrote a table, or scanned one while a lock that blocks writes on it was held. */
    private static List<String> strongLockOverScanOrRewrite(RehearsalResult r, Set<String> ids) {
        List<String> bad = new ArrayList<>();
        for (MigrationRehearsal m : r.migrations()) {
            if (!ids.contains(m.id())) {
                continue;
            }
            for (StatementTrace t : m.up()) {
                if (!t.rewritten().isEmpty()) {
                    bad.add(m.id() + " rewrites " + t.rewritten());
                }
                for (ScanObserved scan : t.scans()) {
                    for (LockTaken l : t.held()) {
                        if (l.relation().equals(scan.table()) && l.blocksWrites()) {
                            bad.add(m.id() + " scans " + scan.table() + " holding " + l.modeName());
                        }
                    }
                }
            }
        }
        return bad;
    }

    // ------------------------------------------------------------------ comparing with the one-liner

    private void assertSameTable(String table, List<String> dataColumns) throws Exception {
        assertThat(fingerprint(planned.spec(), table, dataColumns)).isEqualTo(fingerprint(reference.spec(), table, dataColumns));
        assertThat(shape(planned.spec(), table)).isEqualTo(shape(reference.spec(), table));
        // nothing of the plan is left behind
        assertThat(value(planned.spec(), "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")).isEqualTo("0");
        assertThat(value(planned.spec(), "SELECT count(*) FROM pg_proc WHERE proname LIKE 'bulwark_sync_%'")).isEqualTo("0");
    }

    private static String fingerprint(ConnectionSpec db, String table, List<String> columns) throws SQLException {
        try (Connection c = db.open("bulwark-test")) {
            c.setAutoCommit(false);
            Fingerprinter f = new Fingerprinter(c, Fingerprinter.DEFAULT_CHUNK_ROWS);
            f.pinSettings();
            TableFingerprint t = f.fingerprint(new TableRef("public", table), columns, null, false);
            c.rollback();
            return t.rows() + " rows, " + t.hash();
        }
    }

    /** Columns (name, type, nullability), constraints and indexes of the table, in a stable order. */
    private static Set<String> shape(ConnectionSpec db, String table) throws SQLException {
        Set<String> out = new TreeSet<>();
        out.addAll(rows(db, "SELECT 'column ' || attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull"
                + " THEN ' not null' ELSE '' END FROM pg_attribute WHERE attrelid = '" + table + "'::regclass AND attnum > 0"
                + " AND NOT attisdropped"));
        out.addAll(rows(db, "SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' validated=' || convalidated"
                + " FROM pg_constraint WHERE conrelid = '" + table + "'::regclass"));
        out.addAll(rows(db, "SELECT 'index ' || indexdef FROM pg_indexes WHERE tablename = '" + table + "'"));
        return out;
    }

    private static List<String> columns(ConnectionSpec db, String table) throws SQLException {
        return rows(db, "SELECT attname FROM pg_attribute WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped");
    }

    private static List<String> rows(ConnectionSpec db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.open("bulwark-test"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String value(ConnectionSpec db, String sql) throws SQLException {
        List<String> r = rows(db, sql);
        return r.isEmpty() ? null : r.get(0);
    }

    private static void exec(ConnectionSpec db, String sql) throws SQLException {
        try (Connection c = db.open("bulwark-test"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The server's message when {@code sql} fails, or "" when it succeeds. */
    private static String fails(ConnectionSpec db, String sql) {
        try {
            exec(db, sql);
            return "";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    @FunctionalInterface
    private interface SqlCheck {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ the concurrent writer

    /**
     * An application still on the old schema: writes through {@code orders.amount} only, one
     * statement at a time, each its own transaction. The writes are a fixed sequence, so they can
     * be replayed on the reference database.
     */
    private static final class Writer {
        private final ConnectionSpec db;
        private final int rows;
        final AtomicInteger ops = new AtomicInteger();
        final AtomicInteger duringMigrate = new AtomicInteger();
        final AtomicBoolean migrating = new AtomicBoolean();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread thread;

        Writer(ConnectionSpec db, int rows) {
            this.db = db;
            this.rows = rows;
        }

        String op(int i) {
            return i % 5 == 0
                    ? "INSERT INTO orders (customer, amount) VALUES ('w" + i + "', " + i + ")"
                    : "UPDATE orders SET amount = amount + " + i + " WHERE id = " + (1 + (long) i * 7919 % rows);
        }

        void start() {
            thread = new Thread(() -> {
                try (Connection c = db.open("old-release"); Statement s = c.createStatement()) {
                    while (!stop.get()) {
                        boolean during = migrating.get();
                        s.execute(op(ops.get()));
                        if (during && migrating.get()) {
                            duringMigrate.incrementAndGet();
                        }
                        ops.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "old-release-writer");
            thread.start();
        }

        void awaitOps(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ops.get() < n && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(failure.get()).as("the writer failed").isNull();
            assertThat(ops.get()).isGreaterThanOrEqualTo(n);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
            assertThat(failure.get()).as("a write of the old release failed").isNull();
        }

        int inserts() {
            return (ops.get() + 4) / 5;
        }

        void replay(ConnectionSpec other) throws SQLException {
            try (Connection c = other.open("replay"); Statement s = c.createStatement()) {
                for (int i = 0; i < ops.get(); i++) {
                    s.execute(op(i));
                }
            }
        }
    }

    @SuppressWarnings("unused")
    private static String joined(List<String> items) {
        return items.stream().collect(Collectors.joining(", "));
    }
}
