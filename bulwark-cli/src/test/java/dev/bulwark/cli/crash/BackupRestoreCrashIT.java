package dev.bulwark.cli.crash;

import dev.bulwark.pg.Identifiers;
import dev.bulwark.testing.PostgresTestServer;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup restore} and {@code backup verify --drill} of an encrypted backup, killed at every
 * crash point of their path and at random instants; after each kill, and again after the next
 * backup command: no plaintext dump anywhere under {@code .bulwark/} (no file starting like a
 * pg_dump archive, no {@code .plain} file), no leftover {@code bulwark_restoring_*} or
 * {@code bulwark_drill_*} database, and the target either exactly as it was or fully restored,
 * and accepting connections.
 */
class BackupRestoreCrashIT {
    static final String KEY = "crash-test passphrase 0123456789";
    static final byte[] PGDMP = "PGDMP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int BACKED_UP = 3000;
    static final int BEFORE_RESTORE = 1000;

    TestDatabase db;
    CrashHarness harness;
    String url;
    /** The backup under test, by name: each restore's safety backup becomes "latest". */
    String backup;

    @TempDir
    Path project;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDatabase.create("restore_crash");
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t SELECT g, repeat(md5(g::text), 20) FROM generate_series(1, " + BACKED_UP + ") g");
        }
        url = db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + ":crash-pw-1234@");
        harness = new CrashHarness(project).env("BULWARK_BACKUP_KEY", KEY);
        CrashHarness.Run created = harness.run("backup", "create", "--encrypt", "--url", url);
        assertThat(created.exit()).as(created.toString()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Backup (\\S+):").matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        backup = m.group(1);
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
        for (String d : databases(db.name() + "%")) {
            drop(d);
        }
        for (String d : databases("bulwark\\_restoring\\_%")) {
            drop(d);
        }
    }

    /** The target as the operator left it before the restore: fewer rows than the backup. */
    private void resetTarget() throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM t WHERE id > " + BEFORE_RESTORE);
        }
        for (String d : databases(db.name() + "\\_before\\_restore\\_%")) {
            drop(d);
        }
    }

    @Test
    void aKilledRestoreOrDrillLeavesNoPlaintextNoScratchDatabaseAndTheTargetWholeAfterTheNextBackupCommand() throws Exception {
        List<String> restore = List.of("backup", "restore", backup, "--force", "--no-safety-backup", "--url", url);
        List<String> restoreWithSafety = List.of("backup", "restore", backup, "--force", "--url", url);
        List<String> drill = List.of("backup", "verify", backup, "--drill", "--url", url);
        Tally tally = new Tally();

        resetTarget();
        CrashHarness.Run traced = harness.trace(restoreWithSafety.toArray(String[]::new));
        assertThat(traced.exit()).as(traced.toString()).isZero();
        List<String> restorePoints = traced.points();
        assertThat(restorePoints).as("the restore path's crash points").contains("backup.restore.staging.created#1",
                "backup.restore.decrypt.streaming#1", "backup.restore.restored#1", "backup.restore.swap.before#1",
                "backup.restore.swap.connections-refused#1", "backup.restore.swap.uncommitted#1", "backup.restore.swap.after#1");
        CrashHarness.Run drillTrace = harness.trace(drill.toArray(String[]::new));
        assertThat(drillTrace.exit()).as(drillTrace.toString()).isZero();
        assertThat(drillTrace.points()).contains("backup.drill.created#1", "backup.drill.decrypt.streaming#1", "backup.drill.restored#1");

        // the suite kills at the boundaries asserted above (the ones that decide what a kill leaves); every point
        // of both traces with -Dbulwark.crash.full=true (or env BULWARK_CRASH_FULL), as DeployCrashIT does
        boolean full = CrashHarness.full();
        List<String> sample = List.of("backup.restore.staging.created#1", "backup.restore.decrypt.streaming#1", "backup.restore.restored#1",
                "backup.restore.swap.before#1", "backup.restore.swap.connections-refused#1", "backup.restore.swap.uncommitted#1",
                "backup.restore.swap.after#1", "backup.drill.created#1", "backup.drill.decrypt.streaming#1", "backup.drill.restored#1");
        if (!full) {
            restorePoints = restorePoints.stream().filter(sample::contains).toList();
            drillTrace = new CrashHarness.Run(drillTrace.exit(), drillTrace.out(), drillTrace.err(), drillTrace.killed(),
                    drillTrace.points().stream().filter(sample::contains).toList(), drillTrace.took());
        }
        for (String point : restorePoints) {
            resetTarget();
            CrashHarness.Run killed = harness.crashAt(point, restoreWithSafety.toArray(String[]::new));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            check(tally, point, true);
        }
        for (String point : drillTrace.points()) {
            resetTarget();
            CrashHarness.Run killed = harness.crashAt(point, drill.toArray(String[]::new));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            check(tally, "drill " + point, false);
        }
        System.out.println("backup restore crash test: " + tally);
        assertThat(tally.failures).as(tally.toString()).isEmpty();
        assertThat(tally.kills).isGreaterThanOrEqualTo(restorePoints.size() + drillTrace.points().size());
    }

    /**
     * SIGKILL at random instants of {@code backup restore} (with and without its safety backup)
     * and {@code backup verify --drill}, checked as above. {@code -Dcrash.restore.kills=N}
     * (default 3 in the suite; {@code bench/crash.sh restore N}), {@code -Dcrash.seed} replays.
     */
    @Test
    void randomKillsOfARestoreOrDrillLeaveNoPlaintextNoScratchDatabaseAndTheTargetWhole() throws Exception {
        long t0 = System.nanoTime();
        int wanted = Integer.getInteger("crash.restore.kills", 3);
        List<String> restore = List.of("backup", "restore", backup, "--force", "--no-safety-backup", "--url", url);
        List<String> restoreWithSafety = List.of("backup", "restore", backup, "--force", "--url", url);
        List<String> drill = List.of("backup", "verify", backup, "--drill", "--url", url);
        resetTarget();
        CrashHarness.Run whole = harness.run(restoreWithSafety.toArray(String[]::new));
        assertThat(whole.exit()).as(whole.toString()).isZero();
        Tally tally = new Tally();
        Random random = new Random(CrashHarness.seed("backup restore"));
        // each kind draws its instant within its own length: a run that ended before its kill shortens
        // that kind's span to what it took (one slow first run under load must not push the kills past the end)
        long[] span = new long[3];
        java.util.Arrays.fill(span, Math.max(whole.took().toMillis(), 1500));
        for (int attempt = 0; tally.kills < wanted && attempt < wanted * 3; attempt++) {
            resetTarget();
            int kind = random.nextInt(3);
            List<String> cmd = kind == 0 ? restore : kind == 1 ? restoreWithSafety : drill;
            String name = kind == 0 ? "restore" : kind == 1 ? "restore with safety backup" : "drill";
            long delay = (long) (random.nextDouble() * span[kind]);
            CrashHarness.Run r = harness.killAfter(Duration.ofMillis(delay), cmd.toArray(String[]::new));
            if (!r.killed()) {
                span[kind] = Math.max(200, Math.min(span[kind], r.took().toMillis()));
            }
            if (r.killed()) {
                check(tally, name + " killed after " + delay + " ms", kind != 2);
                if (tally.kills % 10 == 0) {
                    System.out.println("backup restore random, after " + tally.kills + " of " + wanted + " kills: " + tally);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("backup restore random kills: %s; %.1f s, %.2f kills/min%n", tally, seconds, tally.kills / (seconds / 60));
        assertThat(tally.failures).as(tally.toString()).isEmpty();
        assertThat(tally.kills).isEqualTo(wanted);
    }

    private void check(Tally tally, String what, boolean isRestore) throws Exception {
        tally.kills++;
        List<String> plain = plaintextFiles();
        if (!plain.isEmpty()) {
            tally.plaintextRightAfterKill++;
            tally.failures.add(what + ": plaintext at rest right after the kill: " + plain);
        }
        // the next backup command (one that connects) sweeps what the dead run left
        CrashHarness.Run next = harness.inProcess("backup", "verify", backup, "--url", url);
        if (next.exit() != 0) {
            tally.failures.add(what + ": the next backup verify failed: " + next);
        }
        plain = plaintextFiles();
        if (!plain.isEmpty()) {
            tally.plaintextAfterNextRun++;
            tally.failures.add(what + ": plaintext after the next run: " + plain);
        }
        List<String> left = new ArrayList<>(databases("bulwark\\_restoring\\_%"));
        left.addAll(databases("bulwark\\_drill\\_%"));
        if (!left.isEmpty()) {
            tally.leftoverDatabases++;
            tally.failures.add(what + ": leftover databases " + left);
        }
        long rows;
        try {
            rows = rows();
        } catch (RuntimeException | SQLException e) {
            tally.targetBroken++;
            tally.failures.add(what + ": the target cannot be read: " + e.getMessage());
            return;
        }
        if (rows == BACKED_UP) {
            tally.fullyRestored++;
        } else if (rows == BEFORE_RESTORE) {
            tally.intact++;
        } else {
            tally.targetBroken++;
            tally.failures.add(what + ": the target holds " + rows + " rows, neither " + BEFORE_RESTORE + " nor " + BACKED_UP);
        }
        if (isRestore && rows == BEFORE_RESTORE) {
            // and the documented resume, running the restore again, finishes it
            CrashHarness.Run again = harness.inProcess("backup", "restore", backup, "--force", "--no-safety-backup", "--url", url);
            if (again.exit() != 0 || rows() != BACKED_UP) {
                tally.needingHuman++;
                tally.failures.add(what + ": running the restore again did not finish it: " + again);
            }
        }
    }

    private long rows() throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Files under .bulwark/ holding a plaintext pg_dump archive (they start with PGDMP), or named .plain. */
    private List<String> plaintextFiles() throws IOException {
        List<String> found = new ArrayList<>();
        Path dir = project.resolve(".bulwark");
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                byte[] head;
                try (InputStream in = Files.newInputStream(p)) {
                    head = in.readNBytes(PGDMP.length);
                }
                if (Arrays.equals(head, PGDMP) || p.getFileName().toString().endsWith(".plain")) {
                    found.add(project.relativize(p).toString());
                }
            }
        }
        return found;
    }

    private static List<String> databases(String like) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = PostgresTestServer.admin().open("bulwark-test-support");
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT datname FROM pg_database WHERE datname LIKE ?")) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void drop(String name) throws SQLException {
        try (Connection c = PostgresTestServer.admin().open("bulwark-test-support"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
        }
    }

    static final class Tally {
        int kills;
        int plaintextRightAfterKill;
        int plaintextAfterNextRun;
        int leftoverDatabases;
        int targetBroken;
        int intact;
        int fullyRestored;
        int needingHuman;
        final List<String> failures = new ArrayList<>();

        @Override
        public String toString() {
            return "kills " + kills + ", plaintext files right after a kill " + plaintextRightAfterKill + ", after the next run "
                    + plaintextAfterNextRun + ", leftover databases " + leftoverDatabases + ", target broken " + targetBroken
                    + " (intact " + intact + ", fully restored " + fullyRestored + "), restores needing a human " + needingHuman;
        }
    }
}
