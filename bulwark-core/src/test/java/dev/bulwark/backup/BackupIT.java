package dev.bulwark.backup;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.Listener;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.PgTools;
import dev.bulwark.testing.PostgresTestServer;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backups end to end with the real pg_dump and pg_restore against the embedded server. */
class BackupIT {
    static final String PASSWORD = "s3cret-Backup-pw";
    static final BackupCipher.Key KEY = BackupCipher.Key.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "test key");

    TestDatabase db;
    ConnectionSpec spec;
    Backups backups;
    final List<String> lines = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDatabase.create("backup");
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g");
            s.execute("CREATE TABLE notes (body text)");
            s.execute("INSERT INTO notes VALUES ('a'), ('a'), ('b')");
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'backup_user') THEN "
                    + "CREATE ROLE backup_user LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'; END IF; END $$");
        }
        // a password on the spec: it must reach pg_dump through PGPASSWORD and appear nowhere
        spec = new ConnectionSpec(db.spec().jdbcUrl(), "backup_user", PASSWORD, Map.of());
        backups = new Backups(dir.resolve("backups"), new PgTools(null, System.getenv()), "public", Listener.each(lines::add));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Backups.CreateOptions plain() {
        return new Backups.CreateOptions(1, null, "test");
    }

    private long count(ConnectionSpec s, String sql) throws SQLException {
        try (Connection c = s.open("test"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String allFilesText() throws IOException {
        StringBuilder b = new StringBuilder(String.join("\n", lines));
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                b.append(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return b.toString();
    }

    @Test
    void createWritesAnOwnerOnlyDumpAndAManifestWithCountsFingerprintsAndChecksum() throws IOException {
        Backups.Backup b = backups.create(spec, plain());
        BackupManifest m = b.manifest();
        assertThat(b.data()).exists();
        assertThat(b.name()).startsWith(db.name() + "_").endsWith("_none.dump");
        assertThat(Files.getPosixFilePermissions(b.data())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(b.manifestFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(backups.dir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(m.sha256()).isEqualTo(Backups.sha256(b.data()));
        assertThat(m.bytes()).isEqualTo(Files.size(b.data()));
        assertThat(m.serverVersion()).startsWith("15");
        assertThat(m.database()).isEqualTo(db.name());
        assertThat(m.data().tables()).extracting(t -> t.table().name() + "=" + t.rows()).containsExactlyInAnyOrder("items=1000", "notes=3");
        assertThat(m.encryption()).isNull();
        assertThat(Files.readAllBytes(b.data())).startsWith("PGDMP".getBytes());
        assertThat(allFilesText()).doesNotContain(PASSWORD);
    }

    @Test
    void verifyDrillRestoresIntoAScratchDatabaseComparesAndRecordsTheResult() throws SQLException {
        Backups.Backup b = backups.create(spec, plain());
        Backups.VerifyOutcome v = backups.verify(b, null, spec);
        assertThat(v.ok()).as(v.problems().toString()).isTrue();
        assertThat(v.level()).isEqualTo("drill");
        BackupManifest reread = CatalogJson.read(b.manifestFile(), BackupManifest.class);
        assertThat(reread.verification().ok()).isTrue();
        assertThat(reread.verification().level()).isEqualTo("drill");
        assertThat(count(spec, "SELECT count(*) FROM pg_database WHERE datname LIKE 'bulwark_drill_%'")).isZero();
    }

    @Test
    void aChangedByteFailsVerificationByChecksum() throws IOException {
        Backups.Backup b = backups.create(spec, plain());
        byte[] bytes = Files.readAllBytes(b.data());
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(b.data(), bytes);
        Backups.VerifyOutcome v = backups.verify(b, null, null);
        assertThat(v.ok()).isFalse();
        assertThat(v.problems().get(0)).contains("checksum mismatch");
    }

    @Test
    void encryptedBackupHoldsNoPlaintextAndVerifiesWithItsKey() throws IOException {
        Backups.Backup b = backups.create(spec, new Backups.CreateOptions(1, KEY, "test"));
        assertThat(b.name()).endsWith(".dump.enc");
        assertThat(BackupCipher.isEncrypted(b.data())).isTrue();
        assertThat(new String(Files.readAllBytes(b.data()), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("item 999").doesNotContain("PGDMP");
        assertThat(b.manifest().encryption()).contains("AES-256-GCM");
        Backups.VerifyOutcome v = backups.verify(b, KEY, spec);
        assertThat(v.ok()).as(v.problems().toString()).isTrue();
        assertThatThrownBy(() -> backups.verify(b, null, null)).hasMessageContaining("is encrypted and no key was given");
        try (Stream<Path> all = Files.list(backups.dir())) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".plain"));
        }
    }

    @Test
    void aTamperedEncryptedBackupIsRefusedEvenWithAMatchingManifestChecksum() throws IOException, SQLException {
        Backups.Backup b = backups.create(spec, new Backups.CreateOptions(1, KEY, "test"));
        byte[] bytes = Files.readAllBytes(b.data());
        bytes[bytes.length - 40] ^= 1;
        Files.write(b.data(), bytes);
        // an attacker who can write the dump can write the manifest too: GCM must still catch it
        BackupManifest forged = new BackupManifest(b.manifest().format(), b.manifest().file(), b.manifest().dumpFormat(),
                b.manifest().database(), b.manifest().server(), b.manifest().serverVersion(), b.manifest().migrationVersion(),
                b.manifest().createdAt(), b.manifest().createdBy(), b.manifest().toolVersion(), b.manifest().pgDump(),
                b.manifest().encryption(), b.manifest().bytes(), Backups.sha256(b.data()), b.manifest().data(), null);
        Files.writeString(b.manifestFile(), CatalogJson.write(forged));
        Backups.Backup tampered = backups.find(b.name());
        Backups.VerifyOutcome v = backups.verify(tampered, KEY, null);
        assertThat(v.ok()).isFalse();
        assertThat(v.problems().get(0)).contains("failed authentication");
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM items WHERE id > 10");
        }
        assertThatThrownBy(() -> backups.restore(tampered, KEY, spec, true, false, plain()))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FINDINGS))
                .hasMessageContaining("the target was not touched");
        assertThat(count(spec, "SELECT count(*) FROM items")).isEqualTo(10);
    }

    @Test
    void encryptionThatCannotHappenWritesNothing() {
        assertThatThrownBy(() -> backups.create(spec, new Backups.CreateOptions(1,
                BackupCipher.Key.fromEnvironment("BULWARK_BACKUP_KEY", Map.of()), "test")))
                .hasMessageContaining("not set");
        assertThat(backups.dir()).doesNotExist();
    }

    @Test
    void restoringAFileOfTheWrongFormatTouchesNothing() throws IOException, SQLException {
        Backups.Backup real = backups.create(spec, plain());
        Path sql = real.data().resolveSibling("wrong.dump");
        Files.writeString(sql, "DROP TABLE items;\n");
        BackupManifest m = real.manifest();
        BackupManifest wrong = new BackupManifest(m.format(), "wrong.dump", "custom", m.database(), m.server(), m.serverVersion(),
                null, Instant.now(), m.createdBy(), m.toolVersion(), m.pgDump(), null, Files.size(sql), Backups.sha256(sql), m.data(), null);
        Path manifest = real.manifestFile().resolveSibling("wrong.json");
        Files.writeString(manifest, CatalogJson.write(wrong));
        long databases = count(spec, "SELECT count(*) FROM pg_database");
        assertThatThrownBy(() -> backups.restore(backups.find("wrong.dump"), null, spec, true, true, plain()))
                .hasMessageContaining("is not a pg_restore archive").hasMessageContaining("the target was not touched");
        assertThat(count(spec, "SELECT count(*) FROM items")).isEqualTo(1000);
        assertThat(count(spec, "SELECT count(*) FROM pg_database")).isEqualTo(databases);
        assertThat(backups.list()).hasSize(2); // no safety backup was taken either
    }

    @Test
    void restoreBringsTheDataBackKeepsThePreviousDatabaseAndTakesASafetyBackupFirst() throws SQLException {
        Backups.Backup b = backups.create(spec, plain());
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM items WHERE id > 500");
            s.execute("DROP TABLE notes");
        }
        Backups.RestoreOutcome r = backups.restore(b, null, spec, true, true, plain());
        assertThat(count(spec, "SELECT count(*) FROM items")).isEqualTo(1000);
        assertThat(count(spec, "SELECT count(*) FROM notes")).isEqualTo(3);
        assertThat(r.safetyBackup()).isNotNull();
        assertThat(r.safetyBackup().manifest().data().tables()).extracting(t -> t.table().name() + "=" + t.rows()).containsExactly("items=500");
        assertThat(r.replaced()).startsWith(db.name().substring(0, Math.min(40, db.name().length())) + "_before_restore_");
        ConnectionSpec old = spec.withDatabase(r.replaced());
        assertThat(count(old, "SELECT count(*) FROM items")).isEqualTo(500);
        Backups.dropDatabase(Backups.maintenance(spec), r.replaced());
    }

    @Test
    void restoreRefusesWhileOtherSessionsAreConnectedUnlessForced() throws SQLException {
        Backups.Backup b = backups.create(spec, plain());
        try (Connection app = db.open(); Statement s = app.createStatement()) {
            s.execute("DELETE FROM items");
            assertThatThrownBy(() -> backups.restore(b, null, spec, false, false, plain()))
                    .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.fix()).contains("--force"))
                    .hasMessageContaining("other session(s) are connected");
            assertThat(count(spec, "SELECT count(*) FROM items")).isZero();
            assertThat(count(spec, "SELECT count(*) FROM pg_database WHERE datname LIKE '%_restoring_%'")).isZero();
            Backups.RestoreOutcome r = backups.restore(b, null, spec, true, false, plain());
            assertThat(count(spec, "SELECT count(*) FROM items")).isEqualTo(1000);
            assertThat(app.isValid(2)).as("the forced restore ended the other session").isFalse();
            Backups.dropDatabase(Backups.maintenance(spec), r.replaced());
        }
    }

    @Test
    void parallelFolderBackupDrillsBack() {
        Backups.Backup b = backups.create(spec, new Backups.CreateOptions(2, null, "test"));
        assertThat(b.manifest().dumpFormat()).isEqualTo("directory");
        assertThat(Files.isDirectory(b.data())).isTrue();
        Backups.VerifyOutcome v = backups.verify(b, null, spec);
        assertThat(v.ok()).as(v.problems().toString()).isTrue();
        assertThatThrownBy(() -> backups.create(spec, new Backups.CreateOptions(2, KEY, "test")))
                .hasMessageContaining("--encrypt and --jobs exclude each other");
    }

    @Test
    void withNoUsablePgDumpATemplateCopyIsTakenVerifiedRestoredAndPruned() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-pg-bin"));
        Backups noDump = new Backups(dir.resolve("backups"), new PgTools(empty, Map.of("PATH", empty.toString())), "public", Listener.SILENT);
        assertThatThrownBy(() -> noDump.create(spec, plain())).hasMessageContaining("has no runnable pg_dump");
        assertThatThrownBy(() -> noDump.create(spec, new Backups.CreateOptions(1, KEY, "test", true)))
                .hasMessageContaining("cannot be encrypted");
        Backups.Backup b = noDump.create(spec, new Backups.CreateOptions(1, null, "test", true));
        assertThat(b.manifest().dumpFormat()).isEqualTo("template");
        assertThat(count(spec, "SELECT count(*) FROM pg_database WHERE datname = '" + b.name() + "'")).isEqualTo(1);
        assertThat(noDump.verify(b, null, spec).ok()).isTrue();
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM items WHERE id > 100");
        }
        Backups.RestoreOutcome r = noDump.restore(noDump.find(b.name()), null, spec, true, false, plain());
        assertThat(count(spec, "SELECT count(*) FROM items")).isEqualTo(1000);
        Backups.dropDatabase(Backups.maintenance(spec), r.replaced());
        Backups.PruneOutcome p = noDump.prune(Duration.ZERO, 1, false, spec);
        assertThat(p.kept()).containsKey(b.name());
        BackupManifest m = b.manifest();
        BackupManifest older = new BackupManifest(m.format(), m.file(), m.dumpFormat(), m.database(), m.server(), m.serverVersion(), null,
                m.createdAt().minus(Duration.ofDays(60)), m.createdBy(), m.toolVersion(), null, null, 1, null, m.data(), null);
        Files.writeString(b.manifestFile(), CatalogJson.write(older));
        noDump.create(spec, new Backups.CreateOptions(1, null, "test", true));
        noDump.prune(Duration.ofDays(30), 1, false, spec);
        assertThat(count(spec, "SELECT count(*) FROM pg_database WHERE datname = '" + b.name() + "'")).isZero();
        for (Backups.Backup left : noDump.list()) {
            Backups.dropDatabase(Backups.maintenance(spec), left.name());
        }
    }

    /** Runs {@link BackupChild} in its own JVM, halted at {@code crashAt} as kill -9 would; returns its exit status. */
    private int killedChild(String mode, String crashAt) throws Exception {
        Process p = child(mode, dir.resolve("no-pg-bin"), Map.of("BULWARK_CRASH_AT", crashAt));
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private Process child(String mode, Path bin, Map<String, String> env) throws IOException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), BackupChild.class.getName(), mode,
                backups.dir().toString(), spec.jdbcUrl(), spec.user(), spec.password(), bin.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private List<String> databases() throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = spec.open("test"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void aTemplateCopyKilledBeforeItsManifestIsDroppedByTheNextBackupCommandThatHasTheServer() throws Exception {
        List<String> before = databases();
        assertThat(killedChild("template-create", "backup.template.created")).as(Files.readString(dir.resolve("child.log"))).isEqualTo(137);
        List<String> orphans = new java.util.ArrayList<>(databases());
        orphans.removeAll(before);
        assertThat(orphans).as("the copy the killed run made").hasSize(1);
        try {
            assertThat(backups.list()).as("no manifest: not a backup").isEmpty();
            assertThat(databases()).as("list has no server: the copy waits for a sweep that has it").containsAll(orphans);

            backups.sweep(spec);
            assertThat(databases()).doesNotContainAnyElementsOf(orphans);
            assertThat(fileNames()).isEmpty();
            assertThat(lines).anyMatch(l -> l.contains("dropped " + orphans.get(0)) && l.contains("template copy of a killed backup run"));
        } finally {
            Backups.dropDatabase(Backups.maintenance(spec), orphans.get(0));
        }
    }

    @Test
    void aPruneOfATemplateCopyKilledAfterItsManifestWentIsFinishedByTheNextBackupCommandThatHasTheServer() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-pg-bin"));
        Backups noDump = new Backups(backups.dir(), new PgTools(empty, Map.of("PATH", empty.toString())), "public", Listener.SILENT);
        Backups.Backup old = noDump.create(spec, new Backups.CreateOptions(1, null, "test", true));
        BackupManifest m = old.manifest();
        Files.writeString(old.manifestFile(), CatalogJson.write(new BackupManifest(m.format(), m.file(), m.dumpFormat(), m.database(),
                m.server(), m.serverVersion(), null, m.createdAt().minus(Duration.ofDays(60)), m.createdBy(), m.toolVersion(), null, null, 1,
                null, m.data(), null)));
        Backups.Backup kept = noDump.create(spec, new Backups.CreateOptions(1, null, "test", true));
        try {
            assertThat(killedChild("prune", "backup.prune.manifest-renamed")).as(Files.readString(dir.resolve("child.log"))).isEqualTo(137);
            assertThat(backups.list()).extracting(Backups.Backup::name).containsExactly(kept.name());
            assertThat(databases()).as("list has no server: the pruned copy waits for a sweep that has it").contains(old.name());

            backups.sweep(spec);
            assertThat(databases()).doesNotContain(old.name()).contains(kept.name());
            assertThat(fileNames()).containsExactly(kept.manifestFile().getFileName().toString());
        } finally {
            Backups.dropDatabase(Backups.maintenance(spec), old.name());
            Backups.dropDatabase(Backups.maintenance(spec), kept.name());
        }
    }

    /**
     * A pg_dump whose Bulwark died of kill -9 must not dump on (holding its locks on every table,
     * into a file the next run sweeps): it writes into a pipe Bulwark reads, so it ends at its next
     * write. The pg_dump here is a stand-in that writes a line every 100 ms for a minute, to its
     * standard output or to its --file.
     */
    @Test
    void aPgDumpWhoseBulwarkWasKilledEndsAtItsNextWrite() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path pidFile = dir.resolve("pg_dump.pid");
        Path pgDump = bin.resolve("pg_dump");
        Files.writeString(pgDump, """
                #!/bin/sh
                case "$1" in --version) echo "pg_dump (PostgreSQL) 99.0"; exit 0;; esac
                out=/dev/stdout
                for a in "$@"; do case "$a" in --file=*) out="${a#--file=}";; esac; done
                echo $$ > "$FAKE_PG_DUMP_PID"
                i=0
                while [ $i -lt 600 ]; do echo "PGDMP chunk $i" >> "$out" || exit 1; i=$((i+1)); sleep 0.1; done
                """);
        pgDump.toFile().setExecutable(true);
        Process bulwark = child("create", bin, Map.of("FAKE_PG_DUMP_PID", pidFile.toString()));
        ProcessHandle dump = null;
        try {
            for (int i = 0; i < 600 && (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()); i++) {
                assertThat(bulwark.isAlive()).as(Files.readString(dir.resolve("child.log"))).isTrue();
                Thread.sleep(100);
            }
            dump = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
            Thread.sleep(300); // it is writing
            bulwark.destroyForcibly(); // SIGKILL
            assertThat(bulwark.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(bulwark.exitValue()).isEqualTo(137);
            ProcessHandle d = dump;
            for (int i = 0; i < 100 && d.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertThat(dump.isAlive()).as("pg_dump still running 10 s after its Bulwark was killed").isFalse();
        } finally {
            if (dump != null) {
                dump.destroyForcibly();
            }
            bulwark.destroyForcibly();
        }
    }

    /** A session named {@code app} that runs {@code pg_sleep(120)} on {@code on}, as a program that outlived its run would. */
    private Connection busySession(ConnectionSpec on, String app) throws Exception {
        Connection c = on.open(app);
        new Thread(() -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(120)");
            } catch (SQLException ended) {
                // terminated
            }
        }).start();
        for (int i = 0; i < 100 && count(spec, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'"
                + " AND state = 'active'") == 0; i++) {
            Thread.sleep(50);
        }
        return c;
    }

    /** What a restore run killed after creating its staging database leaves: that database and the run's free lock file. */
    private String deadRunsStagingDatabase(String run) throws Exception {
        String staging = Backups.RESTORING + run + "_it";
        Backups.dropDatabase(Backups.maintenance(spec), staging);
        try (Connection c = spec.open("test"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + staging);
        }
        Files.createDirectories(backups.dir());
        Files.createFile(backups.dir().resolve(".bulwark-run-" + run + ".lock"));
        return staging;
    }

    /**
     * What a run killed while a folder-format pg_dump or pg_restore ran leaves (a folder cannot go
     * through a pipe, so neither notices the kill): its lock file with no holder, pg_dump still
     * reading the database, a staging database with pg_restore still writing into it. The next
     * sweep stops the dead run's programs and drops the staging database, instead of taking the
     * run for alive while they go on.
     */
    @Test
    void programsThatOutlivedAKilledRunAreStoppedByTheNextSweepAndItsStagingDatabaseDropped() throws Exception {
        String staging = deadRunsStagingDatabase("deadbeef");
        Connection pgDump = busySession(spec, "bulwark-backup/deadbeef/pg_dump");
        Connection pgRestore = busySession(spec.withDatabase(staging), "bulwark-backup/deadbeef/pg_restore");
        try {
            backups.sweep(spec);
            assertThat(count(spec, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'bulwark-backup/deadbeef%'")).isZero();
            assertThat(databases()).doesNotContain(staging);
            assertThat(fileNames()).isEmpty();
            assertThat(lines).anyMatch(l -> l.contains("session(s) of the killed backup run deadbeef"));
        } finally {
            pgDump.close();
            pgRestore.close();
            Backups.dropDatabase(Backups.maintenance(spec), staging);
        }
    }

    /**
     * A restore killed while its own session was busy (its CREATE DATABASE of the staging copy still running): the
     * backend lingers under the run's name until its statement ends. The next sweep knows the run is dead by its lock,
     * ends that session and drops the staging copy, instead of taking the run for alive and leaving it.
     */
    @Test
    void aKilledRestoresLingeringSessionDoesNotKeepItsStagingDatabaseAliveWhenItsLockSaysItIsDead() throws Exception {
        String staging = deadRunsStagingDatabase("feedface");
        Connection lingering = busySession(spec, "bulwark-backup/feedface");
        try {
            backups.sweep(spec);
            assertThat(count(spec, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'bulwark-backup/feedface%'")).isZero();
            assertThat(databases()).doesNotContain(staging);
            assertThat(fileNames()).isEmpty();
        } finally {
            lingering.close();
            Backups.dropDatabase(Backups.maintenance(spec), staging);
        }
    }

    @Test
    void backupsTakenInTheSameSecondGetDistinctNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            names.add(backups.create(spec, plain()).name());
        }
        assertThat(names).hasSize(3);
        assertThat(backups.list()).hasSize(3).allSatisfy(b -> assertThat(b.data()).exists());
    }

    @Test
    void restoreIntoANewDatabaseCreatesItAndLeavesTheSourceAlone() throws SQLException {
        Backups.Backup b = backups.create(spec, plain());
        String name = db.name() + "_copy";
        ConnectionSpec copy = spec.withDatabase(name);
        try {
            Backups.RestoreOutcome r = backups.restore(b, null, copy, false, true, plain());
            assertThat(r.replaced()).isNull();
            assertThat(r.safetyBackup()).as("nothing to protect in a new database").isNull();
            assertThat(count(copy, "SELECT count(*) FROM items")).isEqualTo(1000);
            assertThat(count(spec, "SELECT count(*) FROM items")).isEqualTo(1000);
        } finally {
            Backups.dropDatabase(Backups.maintenance(spec), name);
        }
    }

    @Test
    void pruneKeepsTheNewestCountAndTheNewestVerifiedBackup() throws IOException {
        Backups.Backup real = backups.create(spec, plain());
        BackupManifest m = real.manifest();
        Instant now = Instant.now();
        // six older backups, 40..90 days old; the 80-day-old one is the only verified one
        for (int i = 0; i < 6; i++) {
            String name = "old" + i + ".dump";
            Files.writeString(backups.dir().resolve(name), "x");
            BackupManifest.Verification v = i == 4 ? new BackupManifest.Verification(now, "drill", true, "ok") : null;
            BackupManifest old = new BackupManifest(m.format(), name, "custom", m.database(), m.server(), m.serverVersion(), null,
                    now.minus(Duration.ofDays(40 + 10L * i)), m.createdBy(), m.toolVersion(), m.pgDump(), null, 1, "x", m.data(), v);
            Files.writeString(backups.dir().resolve("old" + i + ".json"), CatalogJson.write(old));
        }
        Backups.PruneOutcome dry = backups.prune(Duration.ofDays(30), 3, true);
        assertThat(dry.deleted()).extracting(Backups.Backup::name).containsExactlyInAnyOrder("old2.dump", "old3.dump", "old5.dump");
        assertThat(backups.list()).hasSize(7);
        Backups.PruneOutcome done = backups.prune(Duration.ofDays(30), 3, false);
        assertThat(done.kept()).containsEntry("old4.dump", "the newest verified backup");
        assertThat(backups.list()).extracting(Backups.Backup::name).containsExactly(real.name(), "old0.dump", "old1.dump", "old4.dump");
        assertThat(backups.dir().resolve("old2.dump")).doesNotExist();
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> all = Files.list(backups.dir())) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aKilledRunsCutShortDumpIsRemovedAndItsWholeDumpAndManifestAreFinishedByTheNextList() throws IOException {
        Backups.Backup whole = backups.create(spec, plain());
        // what a run killed between writing its manifest and renaming both leaves (run id deadbeef, no lock file)
        Files.move(whole.data(), backups.dir().resolve(whole.name() + ".deadbeef.part"));
        Files.move(whole.manifestFile(), backups.dir().resolve(whole.manifestFile().getFileName() + ".deadbeef.part"));
        // and what a run killed while pg_dump wrote leaves
        Files.writeString(backups.dir().resolve("app_20260101T000000Z_none.dump.0badc0de.part"), "PGDMP half a dump");
        Files.writeString(backups.dir().resolve(".bulwark-run-0badc0de.lock"), "");

        List<Backups.Backup> listed = backups.list();

        assertThat(listed).extracting(Backups.Backup::name).containsExactly(whole.name());
        assertThat(fileNames()).containsExactlyInAnyOrder(whole.name(), whole.manifestFile().getFileName().toString());
        assertThat(backups.verify(listed.get(0), null, null).ok()).isTrue();
        assertThat(lines).anyMatch(l -> l.contains("finished the backup " + whole.name()))
                .anyMatch(l -> l.contains("removed app_20260101T000000Z_none.dump.0badc0de.part"));
    }

    @Test
    void aKilledPruneIsFinishedByTheNextList() throws IOException {
        Backups.Backup b = backups.create(spec, plain());
        Files.move(b.manifestFile(), backups.dir().resolve(b.manifestFile().getFileName() + ".deadbeef.pruning"));

        assertThat(backups.list()).isEmpty();

        assertThat(fileNames()).isEmpty();
    }

    @Test
    void aLiveRunsUnfinishedFileInAnotherProcessIsLeftAloneUntilThatProcessDies() throws Exception {
        Files.createDirectories(backups.dir());
        Path part = backups.dir().resolve("app_20260101T000000Z_none.dump.cafef00d.part");
        Files.writeString(part, "being written");
        // another process holds run cafef00d's lock, as a live backup create does
        Path holder = dir.resolve("Hold.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        ch.lock();
                        System.out.println("locked");
                        System.out.flush();
                        Thread.sleep(120_000);
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, holder.toString(), backups.dir().resolve(".bulwark-run-cafef00d.lock").toString())
                .redirectErrorStream(true).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine()).isEqualTo("locked");

            backups.list();
            assertThat(part).exists();

            p.destroyForcibly().waitFor();
            backups.list();
            assertThat(part).doesNotExist();
            assertThat(fileNames()).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }
}
