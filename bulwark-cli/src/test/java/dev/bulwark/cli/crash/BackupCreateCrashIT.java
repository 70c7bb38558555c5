package dev.bulwark.cli.crash;

import dev.bulwark.pg.Identifiers;
import dev.bulwark.testing.PostgresTestServer;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup create} (plain and encrypted) and {@code backup prune}, killed at every crash point
 * of their path and at random instants; after each kill, the next {@code backup list} leaves no
 * unfinished file ({@code *.part}, {@code *.pruning}, a run's lock file) in the backup folder and
 * lists only backups whose dump is there; {@code backup create}, {@code backup verify latest} and
 * {@code backup prune} then succeed and leave nothing behind either.
 */
class BackupCreateCrashIT {
    static final String KEY = "crash-test passphrase 0123456789";
    static final Pattern UNFINISHED = Pattern.compile(".*\\.(part|pruning)$|^\\.bulwark-run-.*\\.lock$");

    TestDatabase db;
    CrashHarness harness;
    String url;

    @TempDir
    Path project;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDatabase.create("create_crash");
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t SELECT g, repeat(md5(g::text), 20) FROM generate_series(1, 20000) g");
        }
        url = db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + ":crash-pw-1234@");
        harness = new CrashHarness(project).env("BULWARK_BACKUP_KEY", KEY);
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
        try (Connection c = PostgresTestServer.admin().open("bulwark-test-support"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(db.name()) + " WITH (FORCE)");
        }
    }

    private Path backupDir() {
        return project.resolve(".bulwark/backups");
    }

    @Test
    void aKilledCreateOrPruneLeavesNoUnfinishedFileAfterTheNextCommandAndTheNewestBackupIsValid() throws Exception {
        List<String> plain = List.of("backup", "create", "--url", url);
        List<String> encrypted = List.of("backup", "create", "--encrypt", "--url", url);
        List<String> failures = new ArrayList<>();
        int kills = 0;

        CrashHarness.Run plainTrace = harness.trace(plain.toArray(String[]::new));
        assertThat(plainTrace.exit()).as(plainTrace.toString()).isZero();
        assertThat(plainTrace.points()).as("the create path's crash points").contains("backup.create.part-created#1",
                "backup.create.dumped#1", "backup.create.manifest-written#1", "backup.create.dump-renamed#1");
        CrashHarness.Run encTrace = harness.trace(encrypted.toArray(String[]::new));
        assertThat(encTrace.exit()).as(encTrace.toString()).isZero();
        assertThat(encTrace.points()).contains("backup.create.part-created#1", "backup.create.manifest-written#1");

        for (String point : plainTrace.points()) {
            CrashHarness.Run killed = harness.crashAt(point, plain.toArray(String[]::new));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            kills++;
            check("create " + point, failures);
        }
        // the encrypted path shares every step after the dump with the plain one: the suite kills it at the two points
        // asserted above (where the cipher stream is opened and where the manifest waits), -Dbulwark.crash.full=true at each
        List<String> encPoints = CrashHarness.full() ? encTrace.points()
                : encTrace.points().stream().filter(List.of("backup.create.part-created#1", "backup.create.manifest-written#1")::contains).toList();
        for (String point : encPoints) {
            CrashHarness.Run killed = harness.crashAt(point, encrypted.toArray(String[]::new));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            kills++;
            check("create --encrypt " + point, failures);
        }

        // a prune killed after it took a backup's manifest away, before the dump was deleted
        List<String> prune = List.of("backup", "prune", "--keep", "1", "--max-age", "0s");
        assertThat(harness.inProcess(plain.toArray(String[]::new)).exit()).isZero();
        CrashHarness.Run pruneTrace = harness.trace(prune.toArray(String[]::new));
        assertThat(pruneTrace.exit()).as(pruneTrace.toString()).isZero();
        assertThat(pruneTrace.points()).contains("backup.prune.manifest-renamed#1");
        for (String point : CrashHarness.firstAndLast(pruneTrace.points())) {
            assertThat(harness.inProcess(plain.toArray(String[]::new)).exit()).isZero();
            assertThat(harness.inProcess(plain.toArray(String[]::new)).exit()).isZero();
            CrashHarness.Run killed = harness.crashAt(point, prune.toArray(String[]::new));
            assertThat(killed.killed()).as(point + ": " + killed).isTrue();
            kills++;
            check("prune " + point, failures);
        }

        int randomKills = Integer.getInteger("crash.create.kills", 3);
        Random random = new Random(CrashHarness.seed("backup create"));
        long full = Math.max(plainTrace.took().toMillis(), 1500);
        for (int i = 0; i < randomKills; i++) {
            boolean enc = i % 2 == 1;
            long delay = 300 + (long) (random.nextDouble() * full);
            CrashHarness.Run r = harness.killAfter(Duration.ofMillis(delay), (enc ? encrypted : plain).toArray(String[]::new));
            if (r.killed()) {
                kills++;
                check((enc ? "create --encrypt" : "create") + " killed after " + delay + " ms", failures);
            }
        }
        System.out.println("backup create crash test: kills " + kills + ", failures " + failures.size());
        assertThat(failures).isEmpty();
        assertThat(kills).isGreaterThanOrEqualTo(plainTrace.points().size() + encPoints.size() + 1);
    }

    private void check(String what, List<String> failures) throws IOException {
        CrashHarness.Run list = harness.inProcess("backup", "list");
        if (list.exit() != 0) {
            failures.add(what + ": the next backup list failed: " + list);
        }
        if (list.all().contains(".part") || list.all().contains(".pruning")) {
            failures.add(what + ": backup list shows an unfinished file: " + list.out());
        }
        leftovers(what + ", after backup list", failures);
        dumpsOfListedManifests(what, failures);
        CrashHarness.Run create = harness.inProcess("backup", "create", "--url", url);
        if (create.exit() != 0) {
            failures.add(what + ": the next backup create failed: " + create);
        }
        CrashHarness.Run verify = harness.inProcess("backup", "verify", "latest", "--url", url);
        if (verify.exit() != 0) {
            failures.add(what + ": the newest backup does not verify: " + verify);
        }
        CrashHarness.Run prune = harness.inProcess("backup", "prune", "--keep", "2", "--max-age", "0s");
        if (prune.exit() != 0) {
            failures.add(what + ": backup prune failed: " + prune);
        }
        leftovers(what + ", after create, verify and prune", failures);
        dumpsOfListedManifests(what, failures);
    }

    private void leftovers(String what, List<String> failures) throws IOException {
        if (!Files.isDirectory(backupDir())) {
            return;
        }
        try (Stream<Path> all = Files.list(backupDir())) {
            List<String> left = all.map(p -> p.getFileName().toString()).filter(n -> UNFINISHED.matcher(n).matches()).toList();
            if (!left.isEmpty()) {
                failures.add(what + ": unfinished files left: " + left);
            }
        }
    }

    /** Every manifest's dump is there, and every dump has a manifest. */
    private void dumpsOfListedManifests(String what, List<String> failures) throws IOException {
        if (!Files.isDirectory(backupDir())) {
            return;
        }
        try (Stream<Path> all = Files.list(backupDir())) {
            List<String> names = all.map(p -> p.getFileName().toString()).toList();
            for (String n : names) {
                if (n.endsWith(".json")) {
                    String stem = n.substring(0, n.length() - ".json".length());
                    if (!names.contains(stem + ".dump") && !names.contains(stem + ".dump.enc")) {
                        failures.add(what + ": manifest " + n + " without its dump");
                    }
                } else if (n.endsWith(".dump") || n.endsWith(".dump.enc")) {
                    String stem = n.replaceAll("\\.dump(\\.enc)?$", "");
                    if (!names.contains(stem + ".json")) {
                        failures.add(what + ": dump " + n + " without a manifest");
                    }
                }
            }
        }
    }
}
