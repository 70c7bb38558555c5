package dev.bulwark.rehearse;

import dev.bulwark.Listener;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.rehearse.RehearsalResult.MigrationRehearsal;
import dev.bulwark.rehearse.RehearsalResult.RoundTrip.Outcome;
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
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RehearsalIT {
    /** examples/ at the repository root, from the module folder the tests run in. */
    private static final Path EXAMPLES = Path.of("..", "examples", "rehearsal").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("rehearsal");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private RehearsalResult rehearse(Path project, int sampleRows) {
        MigrationSet set = MigrationSources.read(project.resolve("migrations"), null);
        return new Rehearsal(set, db.spec(), project, sampleRows, Listener.SILENT).run();
    }

    private static MigrationRehearsal migration(RehearsalResult r, String id) {
        return r.migrations().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> rules(MigrationRehearsal m) {
        return m.findings().stream().map(TraceFinding::rule).sorted().collect(Collectors.toList());
    }

    private int scratchDatabases() throws Exception {
        try (Connection c = db.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'bulwark_rehearsal_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void brokenSampleShowsWhatTheServerReallyDoesAndFails() throws Exception {
        RehearsalResult r = rehearse(EXAMPLES.resolve("broken"), 5);
        assertThat(r.failed()).isTrue();
        assertThat(rules(migration(r, "020"))).containsExactly(TraceFinding.SCAN_UNDER_LOCK);
        assertThat(migration(r, "020").up().get(0).locks()).anyMatch(l -> l.relation().equals("public.orders") && l.mode().equals("ShareLock"));
        assertThat(rules(migration(r, "030"))).containsExactly(TraceFinding.LOCKS_OTHER_TABLE, TraceFinding.SCAN_UNDER_LOCK);
        assertThat(rules(migration(r, "040"))).containsExactly(TraceFinding.REWRITE_UNDER_LOCK);
        assertThat(migration(r, "040").up().get(0).rewritten()).contains("public.orders");
        assertThat(rules(migration(r, "050"))).isEmpty();
        assertThat(migration(r, "050").up().get(0).rewritten()).isEmpty();
        assertThat(rules(migration(r, "060"))).containsExactly(TraceFinding.SCAN_UNDER_LOCK);
        MigrationRehearsal vip = migration(r, "070");
        assertThat(vip.roundTrip().outcome()).isEqualTo(Outcome.DOWN_FAILED);
        assertThat(vip.roundTrip().detail()).contains("070_vip_customers.sql:5:1").contains("\"vip_flag\"");
        assertThat(r.migrations().stream().filter(MigrationRehearsal::failed).map(MigrationRehearsal::id))
                .containsExactly("040", "070");
        // lint's predictions for the same statements, held against the trace
        // downs are linted like ups: 020's down drops its index without CONCURRENTLY, and the trace confirms the lock
        assertThat(migration(r, "020").staticChecks()).extracting(StaticCheck::rule, StaticCheck::verdict)
                .containsExactly(tuple("require-concurrent-index", StaticCheck.Verdict.CONFIRMED),
                        tuple("require-concurrent-index-drop", StaticCheck.Verdict.CONFIRMED));
        assertThat(migration(r, "030").staticChecks()).extracting(StaticCheck::rule, StaticCheck::verdict)
                .containsExactly(tuple("constraint-not-valid", StaticCheck.Verdict.CONFIRMED));
        // 040's down changes the type back: a second rewrite, also confirmed
        assertThat(migration(r, "040").staticChecks()).extracting(StaticCheck::rule, StaticCheck::verdict)
                .containsExactly(tuple("column-type-rewrite", StaticCheck.Verdict.CONFIRMED),
                        tuple("column-type-rewrite", StaticCheck.Verdict.CONFIRMED));
        assertThat(migration(r, "060").staticChecks()).extracting(StaticCheck::rule, StaticCheck::verdict)
                .containsExactly(tuple("set-not-null", StaticCheck.Verdict.CONFIRMED));
        assertThat(scratchDatabases()).isZero();
    }

    @Test
    void fixedSamplePasses() throws Exception {
        RehearsalResult r = rehearse(EXAMPLES.resolve("fixed"), 5);
        assertThat(r.failed()).isFalse();
        assertThat(r.migrations()).allSatisfy(m -> assertThat(m.roundTrip().outcome()).isEqualTo(Outcome.PASSED));
        // a validated CHECK (amount IS NOT NULL) lets SET NOT NULL skip the scan: seen on the server
        assertThat(migration(r, "062").up().get(0).scans()).isEmpty();
        assertThat(migration(r, "031").up().get(0).locks())
                .anyMatch(l -> l.relation().equals("public.orders") && l.mode().equals("ShareUpdateExclusiveLock"));
        assertThat(scratchDatabases()).isZero();
    }

    @Test
    void aForeignKeysOnDeleteActionIsNeverTakenForTheTableACreateTableLocks() {
        // examples/shop: orders.customer_id REFERENCES customers (id) ON DELETE RESTRICT
        RehearsalResult r = rehearse(EXAMPLES.getParent().resolve("shop"), 5);
        List<String> messages = r.migrations().stream().flatMap(m -> m.findings().stream()).map(TraceFinding::message).toList();
        assertThat(messages).noneMatch(msg -> msg.contains("not only delete") || msg.contains("not only restrict"));
        assertThat(migration(r, "20260102090000").findings()).extracting(TraceFinding::rule, TraceFinding::message)
                .containsExactly(tuple(TraceFinding.LOCKS_OTHER_TABLE,
                        "also locks public.customers (SHARE ROW EXCLUSIVE), not only orders"));
    }

    private Path project(String... files) throws IOException {
        Path m = Files.createDirectories(tmp.resolve("migrations"));
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(m.resolve(files[i]), files[i + 1]);
        }
        return tmp;
    }

    @Test
    void downThatDropsATableTheUpDidNotCreateIsDataLoss() throws IOException {
        RehearsalResult r = rehearse(project(
                "001_users.sql", "-- bulwark:up\nCREATE TABLE users (id int PRIMARY KEY, name text);\n-- bulwark:down\nDROP TABLE users;\n",
                "002_flag.sql", "-- bulwark:up\nALTER TABLE users ADD COLUMN flag boolean;\n-- bulwark:down\nDROP TABLE users CASCADE;\n"), 3);
        MigrationRehearsal flag = migration(r, "002");
        assertThat(flag.roundTrip().outcome()).isEqualTo(Outcome.DATA_LOSS);
        assertThat(flag.roundTrip().detail()).contains("drops table public.users, which the up did not create");
    }

    @Test
    void downThatDeletesEveryRowOfASeededTableIsDataLoss() throws IOException {
        RehearsalResult r = rehearse(project(
                "001_users.sql", "-- bulwark:up\nCREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);\n-- bulwark:down\nDROP TABLE users;\n",
                "002_backfill.sql", "-- bulwark:up\nUPDATE users SET name = upper(name);\n-- bulwark:down\nDELETE FROM users;\n"), 3);
        assertThat(migration(r, "002").roundTrip().outcome()).isEqualTo(Outcome.DATA_LOSS);
        assertThat(migration(r, "002").roundTrip().detail()).contains("deletes all 3 rows of public.users");
    }

    @Test
    void downThatLeavesSomethingBehindIsNotReversed() throws IOException {
        RehearsalResult r = rehearse(project(
                "001_users.sql", "-- bulwark:up\nCREATE TABLE users (id int PRIMARY KEY);\nCREATE INDEX users_id ON users (id);\n"
                        + "-- bulwark:down\nDROP INDEX users_id;\n"), 0);
        assertThat(migration(r, "001").roundTrip().outcome()).isEqualTo(Outcome.NOT_REVERSED);
        assertThat(migration(r, "001").roundTrip().detail()).contains("users");
    }

    @Test
    void migrationWithoutDownIsReportedIrreversibleButDoesNotFail() throws IOException {
        RehearsalResult r = rehearse(project("001_users.sql", "-- bulwark:up\nCREATE TABLE users (id int);\n"), 0);
        assertThat(migration(r, "001").roundTrip().outcome()).isEqualTo(Outcome.NO_DOWN);
        assertThat(r.failed()).isFalse();
    }

    @Test
    void firstFailingStatementIsReportedWithPositionAndLaterMigrationsAreSkipped() throws Exception {
        RehearsalResult r = rehearse(project(
                "001_users.sql", "-- bulwark:up\nCREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN id int;\n",
                "002_more.sql", "-- bulwark:up\nCREATE TABLE more (id int);\n"), 0);
        MigrationRehearsal first = migration(r, "001");
        assertThat(first.failure().statement().position()).endsWith("001_users.sql:3:1");
        assertThat(first.failure().error()).contains("column \"id\" of relation \"users\" already exists");
        assertThat(migration(r, "002").skipped()).contains("earlier migration failed");
        assertThat(scratchDatabases()).isZero();
    }

    @Test
    void junitReportHasATestcasePerMigrationAndPerRoundTrip() {
        RehearsalResult r = rehearse(EXAMPLES.resolve("broken"), 0);
        String xml = RehearsalReport.render(r, RehearsalReport.Format.JUNIT);
        assertThat(xml).contains("tests=\"14\"").contains("failures=\"2\"")
                .contains("name=\"040 widen amount: apply\"").contains("name=\"070 vip customers: round trip\"");
        String json = RehearsalReport.render(r, RehearsalReport.Format.JSON);
        assertThat(json).contains("\"rule\" : \"rewrite-under-lock\"").contains("\"outcome\" : \"down_failed\"");
        assertThat(RehearsalReport.render(r, RehearsalReport.Format.MARKDOWN)).contains("| 040 widen amount |").contains("❌");
    }

    @Test
    void scanUnderALockTakenEarlierInTheTransactionIsReported() throws IOException {
        RehearsalResult r = rehearse(project(
                "001_t.sql", "-- bulwark:up\nCREATE TABLE t (id int PRIMARY KEY, n int);\n",
                "002_two.sql", "-- bulwark:up\nALTER TABLE t ADD COLUMN s text;\nALTER TABLE t ADD CONSTRAINT t_n CHECK (n > 0);\n"), 0);
        MigrationRehearsal two = migration(r, "002");
        assertThat(two.findings()).extracting(TraceFinding::rule, TraceFinding::position)
                .contains(tuple(TraceFinding.SCAN_UNDER_LOCK, "migrations/002_two.sql:3:1"));
    }

    @Test
    void truncateIsNotReportedAsARewrite() throws IOException {
        RehearsalResult r = rehearse(project(
                "001_t.sql", "-- bulwark:up\nCREATE TABLE t (id int PRIMARY KEY);\n",
                "002_empty.sql", "-- bulwark:up\nTRUNCATE t;\n"), 0);
        assertThat(rules(migration(r, "002"))).doesNotContain(TraceFinding.REWRITE_UNDER_LOCK);
    }

    @Test
    void downThatDropsAndReaddsAColumnLosesItsValues() throws IOException {
        RehearsalResult r = rehearse(project(
                "001_users.sql", "-- bulwark:up\nCREATE TABLE users (id int PRIMARY KEY, phone text);\n-- bulwark:down\nDROP TABLE users;\n",
                "002_rename.sql", "-- bulwark:up\nALTER TABLE users RENAME COLUMN phone TO phone_number;\n"
                        + "-- bulwark:down\nALTER TABLE users DROP COLUMN phone_number;\nALTER TABLE users ADD COLUMN phone text;\n"), 3);
        assertThat(migration(r, "002").roundTrip().outcome()).isEqualTo(Outcome.DATA_LOSS);
        assertThat(migration(r, "002").roundTrip().detail()).contains("leaves the data of public.users different from before the up");
        assertThat(migration(r, "001").roundTrip().outcome()).isEqualTo(Outcome.PASSED);
    }
}
