package dev.bulwark.deploy;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.backup.Backups;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.Listener;
import dev.bulwark.fingerprint.Fingerprinter;
import dev.bulwark.fingerprint.TableFingerprint;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.PgTools;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The deploy pipeline end to end on a real server: the "done when" cases. */
class DeployIT {
    static final String PASSWORD = "deploy-Secret-pw-7";

    @TempDir
    Path project;

    TestDatabase db;
    ConnectionSpec spec;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<String> extraDatabases = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create("deploy");
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'deployer') THEN "
                    + "CREATE ROLE deployer LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'; END IF; END $$");
        }
        spec = new ConnectionSpec(db.spec().jdbcUrl(), "deployer", PASSWORD, Map.of());
        migration("20260101000000_accounts.sql", "CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, email text, balance int NOT NULL);\n"
                + "INSERT INTO accounts SELECT g, 'owner ' || g, 'o' || g || '@example.com', g * 10 FROM generate_series(1, 300) g;",
                "DROP TABLE accounts;");
        migration("20260101000001_ledger.sql", "CREATE TABLE ledger (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account int, amount int);\n"
                + "INSERT INTO ledger (account, amount) SELECT g % 300 + 1, g FROM generate_series(1, 500) g;", "DROP TABLE ledger;");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
    }

    @AfterEach
    void tearDown() throws SQLException {
        for (String extra : extraDatabases) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + extra + "\" WITH (FORCE)");
            }
        }
        db.close();
    }

    private void migration(String name, String up, String down) throws IOException {
        Path dir = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(dir.resolve(name), "-- bulwark:up\n" + up + "\n" + (down == null ? "" : "-- bulwark:down\n" + down + "\n"));
    }

    private Bulwark open() {
        BulwarkConfig c = BulwarkConfig.defaults(project).withTimeouts(Duration.ofMillis(500), null, Duration.ofSeconds(5), Duration.ofSeconds(5));
        return Bulwark.open(c, spec, Listener.each(lines::add));
    }

    /** The settings of {@link DeployChild}'s deploy: no restore, no checks. */
    static DeploySettings settings(Path project) {
        DeploySettings d = DeploySettings.defaults(project);
        return new DeploySettings(Duration.ZERO, null, null, false, d.backupMaxAge(), d.snapshotRetention(), null, null,
                project.resolve("reports"), d.longQuery(), d.idleInTransaction(), 0, d.maxReplicationLag(), 0, d.maxXidAge());
    }

    /**
     * A resume whose finishing of a half-applied no-transaction migration fails with something
     * other than Bulwark's own exception (here an IllegalStateException from the target) reports
     * it and goes on to its rollback, which says a human must act: it does not crash the resume.
     */
    @Test
    void aResumeWhoseFinishFailsReportsItAndStillEndsWithAnOutcome() throws Exception {
        Files.writeString(project.resolve("migrations").resolve("20260102000000_notx.sql"), "-- bulwark:no-transaction\n-- bulwark:up\n"
                + "UPDATE accounts SET balance = balance + 1;\nUPDATE accounts SET balance = balance + 10;\n"
                + "-- bulwark:down\nUPDATE accounts SET balance = balance - 11;\n");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), DeployChild.class.getName(),
                project.toString(), spec.jdbcUrl(), spec.user(), spec.password()).redirectErrorStream(true)
                .redirectOutput(project.resolve("child.log").toFile());
        pb.environment().put("BULWARK_CRASH_AT", "migrate.commit.after#1"); // the first statement committed, the second not run
        Process p = pb.start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(project.resolve("child.log"))).isEqualTo(137);

        try (Bulwark b = open()) {
            DeployTarget failing = new DeployTarget() {
                public BulwarkConfig config() { return b.config(); }
                public ConnectionSpec target() { return b.target(); }
                public String targetDescription() { return b.targetDescription(); }
                public boolean isEmbedded() { return b.isEmbedded(); }
                public dev.bulwark.migration.MigrationSet migrations() { return b.migrations(); }
                public List<dev.bulwark.plan.MigrationStatus> status() { return b.status(); }
                public dev.bulwark.execute.MigrateResult migrate(String to, boolean dryRun, boolean allowOutOfOrder) {
                    throw new IllegalStateException("the target went away");
                }
                public dev.bulwark.execute.MigrateResult rollback(Integer steps, String to, boolean dryRun) { return b.rollback(steps, to, dryRun); }
                public boolean contractPhaseAllowed() { return b.contractPhaseAllowed(); }
                public void cancel() { b.cancel(); }
                public void releaseConnections() { b.releaseConnections(); }
            };
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            List<DeployReport> reports = new Deployer(failing, settings(project), backups,
                    new Deployer.Options(false, null, List.of(), Set.of(), "test"), Listener.each(lines::add)).resume();
            assertThat(lines).anyMatch(l -> l.contains("could not finish 20260102000000") && l.contains("the target went away"));
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).outcome()).isEqualTo(DeployReport.Outcome.NOT_ROLLED_BACK);
            assertThat(reports.get(0).todo()).contains("bulwark repair");
        }
    }

    @Test
    void aResumedRollbackStillPutsBackTheSnapshotsAfterOneWhoseRestoreWasRefused() throws Exception {
        execute("CREATE TABLE seats (id int PRIMARY KEY, holder text NOT NULL)",
                "INSERT INTO seats VALUES (1001, 'bea'), (1, 'ann')");
        // restored last first: the seats snapshot (refused: its keys moved) before the accounts one
        migration("20260102000000_zero.sql", "UPDATE accounts SET balance = 0 WHERE id <= 5;\nUPDATE seats SET id = id + 1000;",
                "SELECT 1;");
        migration("20260103000000_fails.sql", "SELECT 1 / 0;", null);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), DeployChild.class.getName(),
                project.toString(), spec.jdbcUrl(), spec.user(), spec.password()).redirectErrorStream(true)
                .redirectOutput(project.resolve("child.log").toFile());
        pb.environment().put("BULWARK_CRASH_AT", "deploy.rollback.snapshot-restore.start#2"); // killed as the accounts restore starts
        Process p = pb.start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(project.resolve("child.log"))).isEqualTo(137);
        assertThat(single("SELECT count(*) FROM accounts WHERE balance = 0")).isEqualTo("5");

        try (Bulwark b = open()) {
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            List<DeployReport> reports = new Deployer(b, settings(project), backups,
                    new Deployer.Options(false, null, List.of(), Set.of(), "test"), Listener.each(lines::add)).resume();
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).outcome()).as(reports.get(0).markdown()).isEqualTo(DeployReport.Outcome.NOT_ROLLED_BACK);
        }
        assertThat(single("SELECT count(*) FROM accounts WHERE balance = 0")).as("the accounts restore ran on resume").isEqualTo("0");
        assertThat(single("SELECT string_agg(id || ':' || holder, ',' ORDER BY id) FROM seats")).isEqualTo("1001:ann,2001:bea");
    }

    /** Deploys what is pending plus a last migration that fails, so the deploy rolls back (no restore, no checks). */
    private DeployReport deployThatFailsLast() throws IOException {
        migration("20260103000000_fails.sql", "SELECT 1 / 0;", null);
        return deploy(settings(false, null));
    }

    /** Runs {@code sql} on the test database, each in its own autocommit statement. */
    private void execute(String... sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static DeployReport.Stage stage(DeployReport r, String name) {
        return r.stages().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    private DeploySettings settings(boolean allowRestore, Path checks) {
        DeploySettings d = DeploySettings.defaults(project);
        return new DeploySettings(Duration.ZERO, null, null, allowRestore, d.backupMaxAge(), d.snapshotRetention(), null, checks,
                project.resolve("reports"), d.longQuery(), d.idleInTransaction(), 0, d.maxReplicationLag(), 0, d.maxXidAge());
    }

    private DeployReport deploy(DeploySettings s) {
        try (Bulwark b = open()) {
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            DeployReport r = new Deployer(b, s, backups, new Deployer.Options(true, null, List.of(), Set.of(), "test"), b.config() == null ? null : Listener.each(lines::add)).run();
            return r;
        }
    }

    /** Every user table's row count and fingerprint, Bulwark's own tables left out. */
    private Map<String, String> fingerprints() throws SQLException {
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            CatalogSnapshot cat = new CatalogReader(c).read(List.of("public"));
            Map<String, String> out = new TreeMap<>();
            Fingerprinter f = new Fingerprinter(c, 1000);
            f.pinSettings();
            for (CatalogSnapshot.Table t : cat.tables()) {
                if (t.name().startsWith("bulwark_")) {
                    continue;
                }
                // by column name: a column dropped and added back by a rollback comes back at the end
                List<String> cols = t.columns().stream().map(CatalogSnapshot.Column::name).sorted().toList();
                TableFingerprint fp = f.fingerprint(t.ref(), cols, null, false);
                out.put(t.name() + " " + cols, fp.rows() + ":" + fp.hash());
            }
            c.rollback();
            return out;
        }
    }

    private String single(String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String reports() throws IOException {
        StringBuilder b = new StringBuilder(String.join("\n", lines));
        try (Stream<Path> all = Files.walk(project.resolve("reports"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }

    @Test
    void aDeployThatAppliesAndVerifiesExitsZeroWithReportsAndAnAuditTrail() throws Exception {
        migration("20260102000000_note.sql", "ALTER TABLE accounts ADD COLUMN note text;", "ALTER TABLE accounts DROP COLUMN note;");
        DeployReport r = deploy(settings(false, null));
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        assertThat(r.exitCode()).isZero();
        assertThat(r.applied()).containsExactly("20260102000000");
        assertThat(r.stages()).extracting(DeployReport.Stage::name).containsExactly("preflight", "backup", "snapshots", "apply", "verify");
        assertThat(single("SELECT count(*) FROM public.bulwark_audit WHERE deploy_id = '" + r.id() + "'")).isEqualTo("5");
        assertThat(reports()).contains("# Deploy " + r.id() + ": deployed").doesNotContain(PASSWORD);
    }

    @Test
    void aMigrationThatFailsMidWayLeavesTheDatabaseExactlyAsBeforeAndExits4() throws Exception {
        Map<String, String> before = fingerprints();
        // the first applies and commits (and rewrites every balance); the second fails half way through
        migration("20260102000000_fees.sql", "ALTER TABLE accounts ADD COLUMN fee int;\nUPDATE accounts SET balance = balance - 1;",
                "ALTER TABLE accounts DROP COLUMN fee;");
        // lint would refuse both statements in preflight: the test needs them to run, and the second to fail
        migration("20260103000000_bad.sql", "-- bulwark:ignore require-concurrent-index 300 rows in a test\nCREATE INDEX accounts_owner_idx ON accounts (owner);\n"
                        + "-- bulwark:ignore constraint-not-valid the validation must fail here\nALTER TABLE accounts ADD CONSTRAINT negative CHECK (balance < 0);",
                "-- bulwark:ignore require-concurrent-index-drop 300 rows in a test\nDROP INDEX accounts_owner_idx;");
        DeployReport r = deploy(settings(false, null));
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.ROLLED_BACK);
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(fingerprints()).isEqualTo(before);
        assertThat(r.snapshots()).extracting(s -> s.kind().label() + " " + s.table().name() + " " + (s.restoredAt() != null))
                .containsExactly("UPDATE accounts true");
        assertThat(r.versionAfter()).isEqualTo("20260101000001");
        assertThat(r.state()).contains("as before the deploy");
        assertThat(reports()).doesNotContain(PASSWORD);
    }

    @Test
    void aDeployWhoseInvariantBreaksRollsBack() throws Exception {
        Path checks = Files.createDirectories(project.resolve("checks"));
        Files.writeString(checks.resolve("no_negative_balance.sql"), "SELECT id, balance FROM accounts WHERE balance < 0");
        Map<String, String> before = fingerprints();
        migration("20260102000000_penalty.sql", "UPDATE accounts SET balance = balance - 50;", "SELECT 1;");
        DeployReport r = deploy(settings(false, checks));
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.ROLLED_BACK);
        DeployReport.Stage verify = r.stages().stream().filter(s -> s.name().equals("verify")).findFirst().orElseThrow();
        assertThat(verify.status()).isEqualTo(DeployReport.Status.FAILED);
        assertThat(verify.details().get(0)).contains("invariant").contains("no_negative_balance.sql");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void aDeleteThatCascadesIsPutBackParentsFirstWithTheChildRowsItDeletedAndTheKeysItSetToNull() throws Exception {
        migration("20260101000002_children.sql", "CREATE TABLE orders (id int PRIMARY KEY, account int NOT NULL REFERENCES accounts ON DELETE CASCADE,"
                + " total int);\nINSERT INTO orders SELECT g, g % 300 + 1, g FROM generate_series(1, 900) g;\n"
                + "CREATE TABLE lines (id int PRIMARY KEY, order_id int NOT NULL REFERENCES orders ON DELETE CASCADE);\n"
                + "INSERT INTO lines SELECT g, g % 900 + 1 FROM generate_series(1, 1800) g;\n"
                + "CREATE TABLE notes (id int PRIMARY KEY, account int REFERENCES accounts ON DELETE SET NULL, body text);\n"
                + "INSERT INTO notes SELECT g, g % 300 + 1, 'note ' || g FROM generate_series(1, 600) g;",
                "DROP TABLE notes;\nDROP TABLE lines;\nDROP TABLE orders;");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        Map<String, String> before = fingerprints();
        migration("20260102000000_purge.sql", "-- bulwark:ignore unbounded-dml the test purges on purpose\n"
                + "DELETE FROM accounts WHERE id <= 30;", "SELECT 1;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        // the rows the cascade deleted two levels down, and the keys it set to NULL, are back with their parents
        assertThat(single("SELECT count(*) FROM lines l JOIN orders o ON o.id = l.order_id WHERE o.account <= 30")).isEqualTo("180");
        assertThat(single("SELECT count(*) FROM notes WHERE account IS NULL")).isEqualTo("0");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void aDroppedColumnsDataIsBackAfterTheRollback() throws Exception {
        Map<String, String> before = fingerprints();
        migration("20260102000000_drop_email.sql", "ALTER TABLE accounts DROP COLUMN email;", "ALTER TABLE accounts ADD COLUMN email text;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(single("SELECT email FROM accounts WHERE id = 42")).isEqualTo("o42@example.com");
        assertThat(single("SELECT count(*) FROM accounts WHERE email IS NULL")).isEqualTo("0");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void aColumnAndATableRenamedByOneMigrationAndDroppedByALaterOneOfTheSameDeployAreSnapshottedAndPutBack() throws Exception {
        Map<String, String> before = fingerprints();
        // the snapshots are taken before the first migration runs: then the values are still in email and ledger
        migration("20260102000000_rename.sql", "ALTER TABLE accounts RENAME COLUMN email TO contact;\n"
                + "ALTER TABLE ledger RENAME TO entries;",
                "ALTER TABLE entries RENAME TO ledger;\nALTER TABLE accounts RENAME COLUMN contact TO email;");
        migration("20260102000001_drop.sql", "ALTER TABLE accounts DROP COLUMN contact;\nDROP TABLE entries;",
                "CREATE TABLE entries (id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME ledger_id_seq), account int, amount int,"
                        + " CONSTRAINT ledger_pkey PRIMARY KEY (id));\n"
                        + "ALTER TABLE accounts ADD COLUMN contact text;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(r.snapshots()).extracting(x -> x.table().name() + " " + x.columns())
                .containsExactlyInAnyOrder("accounts [id, email]", "ledger [id, account, amount]");
        assertThat(single("SELECT email FROM accounts WHERE id = 42")).isEqualTo("o42@example.com");
        assertThat(single("SELECT count(*) FROM ledger")).isEqualTo("500");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void aTableMovedToAnotherSchemaWhoseSchemaALaterMigrationDropsWithCascadeIsSnapshottedAndPutBack() throws Exception {
        Map<String, String> before = fingerprints();
        migration("20260102000000_archive.sql", "CREATE SCHEMA archive;\nALTER TABLE ledger SET SCHEMA archive;",
                "ALTER TABLE archive.ledger SET SCHEMA public;\nDROP SCHEMA archive;");
        migration("20260102000001_drop_archive.sql", "-- bulwark:ignore drop-cascade the archive goes with everything in it\n"
                        + "DROP SCHEMA archive CASCADE;",
                "CREATE SCHEMA archive;\nCREATE TABLE archive.ledger (id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME ledger_id_seq),"
                        + " account int, amount int, CONSTRAINT ledger_pkey PRIMARY KEY (id));");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        // taken before the first migration ran, when the rows were still in public.ledger
        assertThat(r.snapshots()).extracting(x -> x.table().toString()).containsExactly("public.ledger");
        assertThat(single("SELECT count(*) FROM ledger")).isEqualTo("500");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void anUpdateIsSnapshottedAsTheKeyAndTheColumnsItSetsUnlessATriggerMayChangeMoreAndPutBack() throws Exception {
        execute("ALTER TABLE ledger ADD COLUMN touched timestamptz",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$",
                "CREATE TRIGGER ledger_touch BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION touch()");
        Map<String, String> before = fingerprints();
        migration("20260102000000_double.sql", "UPDATE accounts SET balance = balance * 2;\nUPDATE ledger SET amount = -amount;",
                "SELECT 1; -- the snapshots put the old values back");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(r.snapshots()).extracting(x -> x.table().name() + " " + x.columns())
                .as("accounts: the key and the column set; ledger has a trigger that sets touched: every column")
                .containsExactlyInAnyOrder("accounts [id, balance]", "ledger [id, account, amount, touched]");
        assertThat(single("SELECT balance FROM accounts WHERE id = 42")).isEqualTo("420");
        assertThat(fingerprints()).as("touched too: the trigger does not fire while the rows are put back").isEqualTo(before);
        assertThat(single("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ledger_touch'")).as("and it is on again").isEqualTo("O");
    }

    @Test
    void updatesAreCopiedWholeWhereARowTriggerOrAKeyChangeMeansMoreThanTheirSetAndTheRowsComeBackExactly() throws Exception {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := clock_timestamp(); RETURN NEW; END $$");
            // a trigger on one partition only, and a deferred foreign key beside a trigger (the restore's ALTER must wait for neither)
            s.execute("CREATE TABLE events (id int PRIMARY KEY, v int, touched timestamptz) PARTITION BY RANGE (id)");
            s.execute("CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (100)");
            s.execute("CREATE TABLE events_high PARTITION OF events FOR VALUES FROM (100) TO (1000)");
            s.execute("CREATE TRIGGER events_low_stamp BEFORE UPDATE ON events_low FOR EACH ROW EXECUTE FUNCTION stamp()");
            s.execute("INSERT INTO events SELECT g, g, '2020-01-01' FROM generate_series(1, 300) g");
            s.execute("CREATE TABLE notes (id int PRIMARY KEY, account int REFERENCES accounts DEFERRABLE INITIALLY DEFERRED, body text,"
                    + " touched timestamptz)");
            s.execute("INSERT INTO notes SELECT g, g, 'note ' || g, '2020-01-01' FROM generate_series(1, 50) g");
            s.execute("CREATE TABLE tags (id int PRIMARY KEY, account int REFERENCES accounts DEFERRABLE INITIALLY DEFERRED,"
                    + " touched timestamptz)");
            s.execute("INSERT INTO tags SELECT g, g, '2020-01-01' FROM generate_series(1, 10) g");
            s.execute("CREATE TRIGGER tags_stamp BEFORE INSERT ON tags FOR EACH ROW EXECUTE FUNCTION stamp()");
            s.execute("CREATE TABLE codes (code text PRIMARY KEY, label text)");
            s.execute("INSERT INTO codes SELECT 'c' || g, 'label ' || g FROM generate_series(1, 40) g");
        }
        Map<String, String> before = fingerprints();
        // notes gets its trigger from the deploy itself: the copy, taken before, cannot see it
        migration("20260102000000_stamp_notes.sql", "CREATE TRIGGER notes_stamp BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION stamp();",
                "DROP TRIGGER notes_stamp ON notes;");
        migration("20260102000001_changes.sql", "UPDATE events SET v = v + 1;\nUPDATE notes SET body = upper(body);\n"
                + "DELETE FROM tags WHERE id > 5;\nUPDATE codes SET code = upper(code);", "SELECT 1; -- the snapshots put the old values back");
        DeployReport r = deployThatFailsLast();
        assertThat(r.snapshots()).extracting(x -> x.table().name() + " " + x.columns()).containsExactlyInAnyOrder(
                "events [id, v, touched]", "notes [id, account, body, touched]", "tags [id, account, touched]", "codes [code, label]");
        // codes' rows cannot be matched back by a key the UPDATE changed: the copy is whole (before this it was none at all)
        // and the rollback says a human must act on codes, and on nothing else
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        assertThat(r.markdown()).contains("NOT back as before: data: public.codes changed (40 rows before, 40 now)\n");
        Map<String, String> after = fingerprints();
        after.keySet().removeIf(k -> k.startsWith("codes "));
        before.keySet().removeIf(k -> k.startsWith("codes "));
        assertThat(after).as("touched and bodies as before: no trigger fired while the rows came back").isEqualTo(before);
        assertThat(single("SELECT string_agg(tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text, ', ' ORDER BY tgname) FROM pg_trigger"
                + " WHERE NOT tgisinternal")).isEqualTo("events_low events_low_stamp O, tags tags_stamp O");
    }

    @Test
    void anUpdateThatMovesKeysIsNotPutBackByKeyTheRollbackRefusesNamingTheKeyAndLeavesTheTableAsTheDownLeftIt() throws Exception {
        // 1001 is stored first: the UPDATE moves it to 2001 before it moves 1 to 1001, so a new key collides with an old one
        execute("CREATE TABLE seats (id int PRIMARY KEY, holder text NOT NULL)",
                "INSERT INTO seats VALUES (1001, 'bea'), (1, 'ann')");
        migration("20260102000000_renumber.sql", "UPDATE seats SET id = id + 1000;", "SELECT 1; -- the keys are not set back");
        DeployReport r = deployThatFailsLast();
        String rows = "SELECT string_agg(id || ':' || holder, ',' ORDER BY id) FROM seats";
        assertThat(single(rows)).as("not 1001:bea,2001:bea (ann's row overwritten by bea's, ann lost)").isEqualTo("1001:ann,2001:bea");
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        Snapshots.Snapshot snap = r.snapshots().get(0);
        assertThat(snap.updatedKeys()).containsExactly("id");
        assertThat(snap.restoredAt()).isNull();
        DeployReport.Stage snapshots = stage(r, "snapshots");
        assertThat(snapshots.status()).as("said before anything is applied").isEqualTo(DeployReport.Status.WARN);
        assertThat(snapshots.details()).anySatisfy(d -> assertThat(d).contains("snapshot " + snap.id() + ": the UPDATE of public.seats"
                + " sets its key column id: a rollback cannot match its rows back by key, so it puts nothing back"));
        DeployReport.Stage rollback = stage(r, "rollback");
        assertThat(rollback.details()).contains("snapshot-restore failed: snapshot " + snap.id() + ": the UPDATE of public.seats sets its key"
                + " column id, so its rows cannot be matched back by key and were not put back — compare with " + snap.location()
                + " by hand, or restore the backup");
    }

    @Test
    void anUpdateOfATableWithoutAPrimaryKeyIsWarnedBeforeItRunsAndItsRollbackRefusesUnlessTheDownPutTheValuesBack() throws Exception {
        execute("CREATE TABLE tags (name text NOT NULL, color text)",
                "INSERT INTO tags VALUES ('a', 'red'), ('b', 'blue')");
        migration("20260102000000_upper.sql", "UPDATE tags SET color = upper(color);", "SELECT 1; -- the colours stay upper case");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        Snapshots.Snapshot snap = r.snapshots().get(0);
        DeployReport.Stage snapshots = stage(r, "snapshots");
        assertThat(snapshots.status()).as("said before anything is applied").isEqualTo(DeployReport.Status.WARN);
        assertThat(snapshots.details()).anySatisfy(d -> assertThat(d).contains("snapshot " + snap.id() + ": public.tags has no primary key,"
                + " and its UPDATE changes rows in place: a rollback cannot match its rows back, so it puts nothing back"));
        DeployReport.Stage rollback = stage(r, "rollback");
        assertThat(rollback.details()).contains("snapshot-restore failed: snapshot " + snap.id() + ": public.tags has no primary key, and its"
                + " UPDATE changed rows in place, so its rows cannot be matched back and were not put back — compare with "
                + snap.location() + " by hand, or restore the backup");
        assertThat(single("SELECT string_agg(name || ':' || color, ',' ORDER BY name) FROM tags")).isEqualTo("a:RED,b:BLUE");
    }

    @Test
    void anUpdateOfATableWithoutAPrimaryKeyWhoseDownPutsTheValuesBackLeavesNothingToRestoreAndTheRollbackIsVerified() throws Exception {
        execute("CREATE TABLE tags (name text NOT NULL, color text)",
                "INSERT INTO tags VALUES ('a', 'red'), ('b', 'blue')");
        Map<String, String> before = fingerprints();
        migration("20260102000000_upper.sql", "UPDATE tags SET color = upper(color);", "UPDATE tags SET color = lower(color);");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void aRowTriggerThatMovesKeysBehindAnUpdateOfOtherColumnsKeepsItsRowsFromBeingPutBackByKey() throws Exception {
        // the UPDATE's SET list names no key, but the table's trigger moves every row it touches
        execute("CREATE TABLE seats (id int PRIMARY KEY, holder text NOT NULL)",
                "INSERT INTO seats VALUES (1001, 'bea'), (1, 'ann')",
                "CREATE FUNCTION renumber() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.id := NEW.id + 1000; RETURN NEW; END $$",
                "CREATE TRIGGER seats_renumber BEFORE UPDATE ON seats FOR EACH ROW EXECUTE FUNCTION renumber()");
        migration("20260102000000_upper.sql", "UPDATE seats SET holder = upper(holder);", "SELECT 1; -- nothing set back");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        assertThat(r.snapshots().get(0).keysUnknown()).isTrue();
        assertThat(single("SELECT string_agg(id || ':' || holder, ',' ORDER BY id) FROM seats"))
                .as("not bea's values written into the row that took key 1001").isEqualTo("1001:ANN,2001:BEA");
        DeployReport.Stage rollback = stage(r, "rollback");
        assertThat(rollback.details()).anySatisfy(d -> assertThat(d).contains("1 of its rows' keys are no longer in public.seats",
                "so its rows cannot be matched back by key and were not put back"));
    }

    @Test
    void anUpdateThatSetsAKeyOfATableTheDeployGivesATriggerFirstIsStillKnownToMoveKeys() throws Exception {
        execute("CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, touched int NOT NULL DEFAULT 0)",
                "INSERT INTO products VALUES ('A', 'old widget')",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END $$");
        migration("20260102000000_archive.sql", "CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION touch();\n"
                + "UPDATE products SET sku = 'OLD-' || sku;", "DROP TRIGGER products_touch ON products; -- the keys are not set back");
        migration("20260102000001_app.sql", "INSERT INTO products (sku, name) VALUES ('A', 'new widget');", "SELECT 1;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        assertThat(r.snapshots().get(0).updatedKeys()).containsExactly("sku");
        assertThat(single("SELECT string_agg(sku || ':' || name, ',' ORDER BY sku) FROM products"))
                .as("not A:old widget (the application's row overwritten)").isEqualTo("A:new widget,OLD-A:old widget");
    }

    @Test
    void anUpdateOfATableWhoseKeysAnotherStatementMovedIsNotPutBackByKey() throws Exception {
        execute("CREATE TABLE seats (id int PRIMARY KEY, holder text NOT NULL)",
                "INSERT INTO seats VALUES (1, 'ann'), (2, 'bea'), (3, 'cy')");
        migration("20260102000000_shift.sql", "UPDATE seats SET id = 4 WHERE id = 3;\nUPDATE seats SET id = 3 WHERE id = 2;", "SELECT 1;");
        migration("20260102000001_upper.sql", "UPDATE seats SET holder = upper(holder) WHERE id > 0;", "SELECT 1;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        assertThat(single("SELECT string_agg(id || ':' || holder, ',' ORDER BY id) FROM seats"))
                .as("not 1:ann,3:cy,4:CY (cy's name written into bea's row, which took key 3)").isEqualTo("1:ANN,3:BEA,4:CY");
    }

    @Test
    void anUpdateThatMovesKeysIsNotWrittenOverARowTheApplicationInsertedUnderAFreedKey() throws Exception {
        execute("CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO products VALUES ('A', 'old widget')");
        migration("20260102000000_archive.sql", "UPDATE products SET sku = 'OLD-' || sku;", "SELECT 1; -- the keys are not set back");
        // the application, between the apply and the rollback, reuses the freed key
        migration("20260102000001_app.sql", "INSERT INTO products VALUES ('A', 'new widget');", "SELECT 1;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        assertThat(single("SELECT string_agg(sku || ':' || name, ',' ORDER BY sku) FROM products"))
                .as("not A:old widget (the application's row overwritten)").isEqualTo("A:new widget,OLD-A:old widget");
    }

    @Test
    void anUpdateOfKnownColumnsStillGoesBackByKeyWhenARowWasDeletedSince() throws Exception {
        execute("CREATE TABLE seats (id int PRIMARY KEY, holder text NOT NULL)",
                "INSERT INTO seats VALUES (1, 'ann'), (2, 'bea')");
        migration("20260102000000_upper.sql", "UPDATE seats SET holder = upper(holder) WHERE id = 1;", "SELECT 1;");
        // the application deletes a row between the apply and the rollback (a DO block: no snapshot covers it)
        migration("20260102000001_app.sql", "DO $$ BEGIN DELETE FROM seats WHERE id = 2; END $$;", "SELECT 1;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5); // seats lost bea, which no snapshot holds
        assertThat(single("SELECT string_agg(id || ':' || holder, ',' ORDER BY id) FROM seats")).isEqualTo("1:ann");
    }

    @Test
    void aTableWithoutAPrimaryKeyComparesItsRowsAsAMultisetBeforeCallingThemBack() throws Exception {
        execute("CREATE TABLE tags (name text NOT NULL, color text)",
                "INSERT INTO tags VALUES ('a', 'red'), ('a', 'red')");
        // the down lowers only one of the two equal rows: as sets the copy and the table agree, as multisets they do not
        migration("20260102000000_upper.sql", "UPDATE tags SET color = upper(color);",
                "UPDATE tags SET color = lower(color) WHERE ctid = (SELECT min(ctid) FROM tags);");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(5);
        assertThat(r.snapshots().get(0).restoredAt()).as("not called restored").isNull();
    }

    @Test
    void anUpdateThatMovesKeysWhoseDownMovesThemBackLeavesNothingToPutBackAndTheRollbackIsVerified() throws Exception {
        Map<String, String> before = fingerprints();
        migration("20260102000000_renumber.sql", "UPDATE accounts SET id = id + 1000;", "UPDATE accounts SET id = id - 1000;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(fingerprints()).isEqualTo(before);
        DeployReport.Stage rollback = stage(r, "rollback");
        assertThat(rollback.details()).contains("snapshot " + r.snapshots().get(0).id() + " restored into public.accounts: 0 row(s) put back");
    }

    @Test
    void aSnapshotIndexMadeByTheVersionBeforeUpdatedKeysIsReadAsItIsAndGainsTheColumnWithTheNextSnapshot() throws Exception {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            // the index as the version before updated_keys created it, with one snapshot of its own
            s.execute("CREATE SCHEMA bulwark_snapshots");
            s.execute("CREATE TABLE bulwark_snapshots.snapshot (id text PRIMARY KEY, deploy_id text NOT NULL, migration text NOT NULL,"
                    + " statement text NOT NULL, kind text NOT NULL, table_schema text NOT NULL, table_name text NOT NULL,"
                    + " key_columns text[] NOT NULL, columns text[] NOT NULL, rows bigint NOT NULL, created_at timestamptz NOT NULL,"
                    + " restored_at timestamptz)");
            s.execute("CREATE TABLE bulwark_snapshots.old_1 AS SELECT id, balance FROM accounts");
            s.execute("INSERT INTO bulwark_snapshots.snapshot VALUES ('old_1', 'old', '20250101000000', 'UPDATE accounts SET balance = 0',"
                    + " 'UPDATE', 'public', 'accounts', '{id}', '{id,balance}', 300, '2025-01-01', NULL)");
            s.execute("CREATE TABLE seats (id int PRIMARY KEY, holder text NOT NULL)");
            s.execute("INSERT INTO seats VALUES (1, 'ann')");
        }
        try (Connection c = db.open()) {
            assertThat(new Snapshots(null).list(c)).extracting(x -> x.id() + " " + x.updatedKeys()).containsExactly("old_1 []");
            // what it did not record, it is not told: its UPDATE may have moved keys, so it goes back by key only if none is missing
            assertThat(new Snapshots(null).list(c)).extracting(Snapshots.Snapshot::keysUnknown).containsExactly(true);
        }
        migration("20260102000000_renumber.sql", "UPDATE seats SET id = id + 1000;", "SELECT 1; -- the keys are not set back");
        DeployReport r = deployThatFailsLast();
        assertThat(r.snapshots()).extracting(x -> x.updatedKeys()).containsExactly(List.of("id"));
        try (Connection c = db.open()) {
            assertThat(new Snapshots(null).list(c)).extracting(x -> x.id() + " " + x.updatedKeys())
                    .containsExactly("old_1 []", r.snapshots().get(0).id() + " [id]");
        }
        assertThat(single("SELECT string_agg(id || ':' || holder, ',') FROM seats")).as("refused, not put back by key").isEqualTo("1001:ann");
    }

    @Test
    void whatARollbacksDownDropsIsSnapshottedBeforeTheDownRunsAndCanBePutBackLater() throws Exception {
        Map<String, String> before = fingerprints();
        // the up adds a column and fills it (as the application would, once it is there); the rollback's down drops it
        migration("20260102000000_nickname.sql", "ALTER TABLE accounts ADD COLUMN nickname text;\n"
                + "UPDATE accounts SET nickname = 'nick ' || id WHERE id <= 120;", "ALTER TABLE accounts DROP COLUMN nickname;");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(fingerprints()).as("the rollback still returns to the state before the deploy").isEqualTo(before);

        Snapshots.Snapshot kept;
        try (Connection c = db.open()) {
            kept = new Snapshots(null).list(c).stream().filter(x -> x.id().equals(r.id() + "_down_1")).findFirst().orElseThrow();
        }
        assertThat(kept.kind()).isEqualTo(dev.bulwark.sql.analysis.StatementEffect.RowKind.DROP_COLUMN);
        assertThat(kept.table().name()).isEqualTo("accounts");
        assertThat(kept.columns()).containsExactly("id", "nickname");
        assertThat(kept.rows()).isEqualTo(300);
        assertThat(kept.restoredAt()).as("the rollback does not put it back: it returns to before the deploy").isNull();
        assertThat(single("SELECT count(nickname) || ' ' || max(nickname) FILTER (WHERE id = 42) FROM " + kept.location()))
                .isEqualTo("120 nick 42");
        DeployReport.Stage rollback = stage(r, "rollback");
        assertThat(String.join("\n", rollback.details())).contains("snapshot " + kept.id() + " of public.accounts (300 rows of id, nickname)"
                + " before the down of 20260102000000");
        assertThat(r.snapshots()).as("the up's snapshots, put back by the rollback").extracting(x -> x.id()).doesNotContain(kept.id());

        // deployed again later, the column back but without the values written the first time: the snapshot puts them back
        Files.delete(project.resolve("migrations/20260103000000_fails.sql"));
        assertThat(deploy(settings(false, null)).outcome()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        execute("UPDATE accounts SET nickname = NULL");
        try (Connection c = db.open()) {
            assertThat(new Snapshots(null).restore(c, kept)).isEqualTo(120);
        }
        assertThat(single("SELECT count(nickname) || ' ' || max(nickname) FILTER (WHERE id = 42) FROM accounts")).isEqualTo("120 nick 42");
    }

    @Test
    void theRowsOfEveryTableOfASchemaDroppedWithCascadeAreSnapshottedAndPutBackOnRollback() throws Exception {
        migration("20260101000002_archive.sql", "CREATE SCHEMA archive;\n"
                + "CREATE TABLE archive.items (id int PRIMARY KEY, label text NOT NULL);\n"
                + "CREATE TABLE archive.notes (body text);\n"
                + "INSERT INTO archive.items SELECT g, 'item ' || g FROM generate_series(1, 100) g;\n"
                + "INSERT INTO archive.notes SELECT 'note ' || g FROM generate_series(1, 7) g;",
                "DROP SCHEMA archive CASCADE;");
        try (Bulwark b = open()) {
            b.migrate(null, false, false);
        }
        String itemsBefore = single("SELECT string_agg(id || ':' || label, ',' ORDER BY id) FROM archive.items");
        migration("20260102000000_drop_archive.sql", "-- bulwark:ignore drop-cascade the archive goes with everything in it\n"
                        + "DROP SCHEMA archive CASCADE;",
                "CREATE SCHEMA archive;\nCREATE TABLE archive.items (id int PRIMARY KEY, label text NOT NULL);\nCREATE TABLE archive.notes (body text);");
        DeployReport r = deployThatFailsLast();
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(r.snapshots()).extracting(x -> x.kind().label() + " " + x.table() + " " + x.rows() + " " + (x.restoredAt() != null))
                .containsExactlyInAnyOrder("DROP TABLE archive.items 100 true", "DROP TABLE archive.notes 7 true");
        assertThat(single("SELECT count(*) FROM archive.items")).isEqualTo("100");
        assertThat(single("SELECT string_agg(id || ':' || label, ',' ORDER BY id) FROM archive.items")).isEqualTo(itemsBefore);
        assertThat(single("SELECT count(*) FROM archive.notes")).isEqualTo("7");
    }

    @Test
    void aDataChangeNoMigrationDeclaresFailsVerification() throws Exception {
        // a trigger deletes ledger rows behind the migration's back: nothing declares ledger changes
        migration("20260102000000_sneaky.sql", "CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM ledger WHERE id < 10; RETURN NEW; END $$;\n"
                + "CREATE TRIGGER wipe AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION wipe();\nUPDATE accounts SET owner = owner WHERE id = 1;",
                "DROP TRIGGER wipe ON accounts;\nDROP FUNCTION wipe();");
        Map<String, String> before = fingerprints();
        DeployReport r = deploy(settings(false, null));
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.NOT_ROLLED_BACK);
        DeployReport.Stage verify = r.stages().stream().filter(s -> s.name().equals("verify")).findFirst().orElseThrow();
        assertThat(verify.details().get(0)).contains("data-changed public.ledger");
        // the downs ran, but no snapshot covers ledger: the rollback says so instead of claiming success
        assertThat(r.todo()).contains("bulwark backup restore");
        assertThat(fingerprints()).isNotEqualTo(before);
    }

    @Test
    void passingMaxDurationCancelsTheRunningMigrationAndRollsBack() throws Exception {
        Map<String, String> before = fingerprints();
        migration("20260102000000_note.sql", "ALTER TABLE accounts ADD COLUMN note text;", "ALTER TABLE accounts DROP COLUMN note;");
        migration("20260103000000_slow.sql", "SELECT pg_sleep(30);", "SELECT 1;");
        DeploySettings s = settings(false, null);
        DeploySettings limited = new DeploySettings(Duration.ofSeconds(3), null, null, false, s.backupMaxAge(), s.snapshotRetention(), null,
                null, s.reportDir(), s.longQuery(), s.idleInTransaction(), 0, s.maxReplicationLag(), 0, s.maxXidAge());
        long t0 = System.nanoTime();
        DeployReport r = deploy(limited);
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.ROLLED_BACK);
        assertThat((System.nanoTime() - t0) / 1_000_000_000).as("seconds").isLessThan(20);
        DeployReport.Stage apply = stage(r, "apply");
        assertThat(String.join("\n", apply.details())).contains("max duration 3s passed");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void fileSnapshotsPutADroppedColumnBackAndOldSnapshotsArePrunedAfterASuccessfulDeploy() throws Exception {
        Path dir = project.resolve("snapshots");
        DeploySettings d = settings(false, null);
        DeploySettings files = new DeploySettings(Duration.ZERO, null, null, false, d.backupMaxAge(), Duration.ofMillis(1), dir, null,
                d.reportDir(), d.longQuery(), d.idleInTransaction(), 0, d.maxReplicationLag(), 0, d.maxXidAge());
        Map<String, String> before = fingerprints();
        migration("20260102000000_drop_owner.sql", "ALTER TABLE accounts DROP COLUMN owner;",
                "ALTER TABLE accounts ADD COLUMN owner text NOT NULL DEFAULT '';\nALTER TABLE accounts ALTER COLUMN owner DROP DEFAULT;");
        migration("20260103000000_fails.sql", "SELECT 1 / 0;", null);
        DeployReport r = deploy(files);
        assertThat(r.exitCode()).as(r.markdown()).isEqualTo(4);
        assertThat(fingerprints()).isEqualTo(before);
        Path csv = dir.resolve(r.snapshots().get(0).id() + ".csv");
        assertThat(csv).exists();
        assertThat(Files.getPosixFilePermissions(csv)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(single("SELECT to_regclass('bulwark_snapshots.snapshot')::text")).as("nothing written to the schema").isNull();

        Files.delete(project.resolve("migrations/20260103000000_fails.sql"));
        Thread.sleep(5);
        DeployReport ok = deploy(files);
        assertThat(ok.outcome()).as(ok.markdown()).isEqualTo(DeployReport.Outcome.DEPLOYED);
        assertThat(ok.stages()).extracting(DeployReport.Stage::name).contains("prune-snapshots");
        assertThat(csv).doesNotExist();
        assertThat(dir.resolve(ok.snapshots().get(0).id() + ".csv")).exists();
    }

    @Test
    void aLintErrorInAPendingMigrationRefusesTheDeployBeforeAnythingChanges() throws Exception {
        Map<String, String> before = fingerprints();
        migration("20260102000000_index.sql", "CREATE INDEX accounts_owner_idx ON accounts (owner);", "DROP INDEX accounts_owner_idx;");
        DeployReport r = deploy(settings(false, null));
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.REFUSED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stages()).extracting(DeployReport.Stage::name).containsExactly("preflight");
        assertThat(r.stages().get(0).details()).anyMatch(d -> d.contains("lint require-concurrent-index (error)"));
        assertThat(single("SELECT to_regclass('public.accounts_owner_idx')::text")).isNull();
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void anExecCommandThatOutlivesMaxDurationIsEndedAndTheDeployRollsBack() throws Exception {
        Map<String, String> before = fingerprints();
        DeploySettings d = settings(false, null);
        DeploySettings limited = new DeploySettings(Duration.ofSeconds(2), null, null, false, d.backupMaxAge(), d.snapshotRetention(), null,
                null, d.reportDir(), d.longQuery(), d.idleInTransaction(), 0, d.maxReplicationLag(), 0, d.maxXidAge());
        long t0 = System.nanoTime();
        DeployReport r;
        try (Bulwark b = open()) {
            Backups backups = new Backups(project.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.SILENT);
            r = new Deployer(b, limited, backups, new Deployer.Options(true, null, List.of(), Set.of(), "test",
                    "echo \"lock_timeout via $PGOPTIONS\"; sleep 30", null), Listener.SILENT).run();
        }
        assertThat((System.nanoTime() - t0) / 1_000_000_000).as("seconds").isLessThan(20);
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.ROLLED_BACK);
        DeployReport.Stage apply = stage(r, "apply");
        assertThat(apply.details()).contains("| lock_timeout via -c lock_timeout=500ms -c statement_timeout=0");
        assertThat(apply.decision()).contains("rolling back");
        assertThat(fingerprints()).isEqualTo(before);
    }

    @Test
    void aPartlyAppliedNonTransactionalMigrationIsNotRolledBackWithoutAllowRestoreAndIsWithIt() throws Exception {
        Map<String, String> before = fingerprints();
        migration("20260102000000_half.sql", "-- bulwark:no-transaction\nALTER TABLE accounts ADD COLUMN half int;\nDELETE FROM ledger WHERE amount > 400;\nSELECT 1 / 0;",
                "ALTER TABLE accounts DROP COLUMN half;");
        DeployReport r = deploy(settings(false, null));
        assertThat(r.outcome()).as(r.markdown()).isEqualTo(DeployReport.Outcome.NOT_ROLLED_BACK);
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.state()).contains("NOT rolled back");
        assertThat(r.todo()).contains("bulwark backup restore").contains("bulwark repair");

        // start over from the same state, this time allowing a full restore
        tearDown();
        extraDatabases.clear();
        lines.clear();
        Files.delete(project.resolve("migrations/20260102000000_half.sql"));
        setUp();
        migration("20260102000000_half.sql", "-- bulwark:no-transaction\nALTER TABLE accounts ADD COLUMN half int;\nDELETE FROM ledger WHERE amount > 400;\nSELECT 1 / 0;",
                "ALTER TABLE accounts DROP COLUMN half;");
        Map<String, String> before2 = fingerprints();
        DeployReport r2 = deploy(settings(true, null));
        assertThat(r2.outcome()).as(r2.markdown()).isEqualTo(DeployReport.Outcome.ROLLED_BACK);
        assertThat(fingerprints()).isEqualTo(before2).isEqualTo(before);
        assertThat(r2.stages().get(r2.stages().size() - 1).decision()).contains("full restore");
        extraDatabases.add(single("SELECT datname FROM pg_database WHERE datname LIKE '" + db.name().substring(0, Math.min(40, db.name().length())) + "_before_restore_%'"));
    }
}
