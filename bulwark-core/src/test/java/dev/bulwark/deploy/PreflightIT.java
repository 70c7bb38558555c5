package dev.bulwark.deploy;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class PreflightIT {
    static final List<String> ALL = List.of("connectivity", "server-version", "migration-set", "failed-migrations", "unfinished-deploy", "privileges",
            "recent-backup", "long-running-queries", "idle-in-transaction", "locks-on-touched-tables", "disk-space",
            "replication-lag", "connection-headroom", "xid-wraparound");

    @TempDir
    Path project;

    private void migrations() throws Exception {
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY);\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("20260102000000_note.sql"), "-- bulwark:up\nALTER TABLE items ADD COLUMN note text;\n-- bulwark:down\nALTER TABLE items DROP COLUMN note;\n");
    }

    private DeploySettings fast() {
        DeploySettings d = DeploySettings.defaults(project);
        return new DeploySettings(d.maxDuration(), null, null, false, d.backupMaxAge(), d.snapshotRetention(), null, null,
                d.reportDir(), Duration.ofMillis(500), Duration.ofMillis(300), 0, d.maxReplicationLag(), 0, d.maxXidAge());
    }

    @Test
    void everyCheckIsReportedWhenTheDatabaseIsUnreachable() throws Exception {
        migrations();
        ConnectionSpec nowhere = ConnectionSpec.of("127.0.0.1", 1, "app", "alice", "pw-never-shown");
        try (Bulwark b = Bulwark.open(BulwarkConfig.defaults(project), nowhere, Listener.SILENT)) {
            CheckResult.Report r = new Preflight(b, fast(), null).run();
            assertThat(r.checks()).extracting(CheckResult::id).containsExactlyElementsOf(ALL);
            assertThat(r.checks().get(0).outcome()).isEqualTo(CheckResult.Outcome.FAIL);
            assertThat(r.worst()).isEqualTo(CheckResult.Outcome.FAIL);
            assertThat(r.checks()).allSatisfy(c -> assertThat(c.message()).doesNotContain("pw-never-shown"));
            assertThat(r.checks().get(1).message()).contains("unreachable");
        }
    }

    @Test
    void aLongQueryAndAnIdleTransactionOnATouchedTableFailTheirChecksAndEveryOtherCheckStillRuns() throws Exception {
        migrations();
        try (TestDatabase db = TestDatabase.create("preflight")) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (id int PRIMARY KEY)");
            }
            // the first migration is applied by hand: record it so only the second is pending
            try (Bulwark b = Bulwark.open(BulwarkConfig.defaults(project), db.spec(), Listener.SILENT)) {
                b.baseline("20260101000000", "items");
            }
            try (Connection idle = db.open(); Connection busy = db.open()) {
                idle.setAutoCommit(false);
                try (Statement s = idle.createStatement()) {
                    s.execute("SELECT count(*) FROM items");
                }
                CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
                    try (Statement s = busy.createStatement()) {
                        s.execute("SELECT pg_sleep(3)");
                    } catch (Exception ignored) {
                        // cancelled at the end
                    }
                });
                Thread.sleep(1200);
                BulwarkConfig config = BulwarkConfig.defaults(project).withTimeouts(Duration.ofMillis(500), null, null, null);
                try (Bulwark b = Bulwark.open(config, db.spec(), Listener.SILENT)) {
                    CheckResult.Report r = new Preflight(b, fast(), null).run();
                    assertThat(r.checks()).extracting(CheckResult::id).containsExactlyElementsOf(ALL);
                    assertThat(outcome(r, "connectivity")).isEqualTo(CheckResult.Outcome.PASS);
                    assertThat(outcome(r, "migration-set")).isEqualTo(CheckResult.Outcome.PASS);
                    assertThat(outcome(r, "long-running-queries")).isEqualTo(CheckResult.Outcome.FAIL);
                    assertThat(result(r, "long-running-queries").message()).contains("pg_sleep(3)");
                    assertThat(outcome(r, "idle-in-transaction")).isEqualTo(CheckResult.Outcome.FAIL);
                    assertThat(result(r, "idle-in-transaction").message()).contains("holding locks on items");
                    assertThat(outcome(r, "locks-on-touched-tables")).isEqualTo(CheckResult.Outcome.FAIL);
                    assertThat(result(r, "locks-on-touched-tables").message()).contains("items: AccessShareLock held").contains("transaction open");
                    assertThat(outcome(r, "xid-wraparound")).isEqualTo(CheckResult.Outcome.PASS);
                    assertThat(outcome(r, "replication-lag")).isEqualTo(CheckResult.Outcome.PASS);
                    assertThat(outcome(r, "failed-migrations")).isEqualTo(CheckResult.Outcome.PASS);
                }
                idle.rollback();
                sleeping.get();
            }
        }
    }

    @Test
    void theShortRowLocksOfOrdinaryTrafficDoNotFailTheLockCheck() throws Exception {
        migrations();
        try (TestDatabase db = TestDatabase.create("preflight_traffic")) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (id int PRIMARY KEY)");
            }
            try (Bulwark b = Bulwark.open(BulwarkConfig.defaults(project), db.spec(), Listener.SILENT)) {
                b.baseline("20260101000000", "items");
            }
            try (Connection app = db.open()) {
                app.setAutoCommit(false);
                try (Statement s = app.createStatement()) {
                    s.execute("INSERT INTO items VALUES (1)");
                }
                BulwarkConfig config = BulwarkConfig.defaults(project).withTimeouts(Duration.ofSeconds(30), null, null, null);
                try (Bulwark b = Bulwark.open(config, db.spec(), Listener.SILENT)) {
                    CheckResult r = result(new Preflight(b, fast(), null).run(), "locks-on-touched-tables");
                    assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.PASS);
                    assertThat(r.measured()).isEqualTo("0 blocking locks, 1 short-lived");
                }
                app.rollback();
            }
        }
    }

    @Test
    void aUserWhoDoesNotOwnTheTouchedTableFailsThePrivilegesCheck() throws Exception {
        migrations();
        try (TestDatabase db = TestDatabase.create("preflight_privileges")) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items (id int PRIMARY KEY)");
                s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plain_app') THEN "
                        + "CREATE ROLE plain_app LOGIN; END IF; END $$");
                s.execute("GRANT SELECT ON items TO plain_app");
            }
            try (Bulwark b = Bulwark.open(BulwarkConfig.defaults(project), db.spec(), Listener.SILENT)) {
                b.baseline("20260101000000", "items");
            }
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("GRANT SELECT ON public.bulwark_history TO plain_app");
            }
            ConnectionSpec app = new ConnectionSpec(db.spec().jdbcUrl(), "plain_app", null, java.util.Map.of());
            try (Bulwark b = Bulwark.open(BulwarkConfig.defaults(project), app, Listener.SILENT)) {
                CheckResult r = result(new Preflight(b, fast(), null).run(), "privileges");
                assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
                assertThat(r.message()).contains("ownership of items").contains("CREATE on schema public");
                assertThat(r.fix()).contains("GRANT the owning role to plain_app");
            }
        }
    }

    private static CheckResult result(CheckResult.Report r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static CheckResult.Outcome outcome(CheckResult.Report r, String id) {
        return result(r, id).outcome();
    }
}
