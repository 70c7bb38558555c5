package dev.bulwark.cli;

import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackupCliIT {
    static final String PASSWORD = "cli-Secret-pw-42";
    TestDatabase db;

    @TempDir
    Path project;

    @BeforeEach
    void setUp() throws SQLException {
        db = TestDatabase.create("backup_cli");
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 200) g");
        }
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String url() {
        String u = db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + ":" + PASSWORD + "@");
        return u;
    }

    private Map<String, String> env(String key) {
        Map<String, String> env = new HashMap<>(Map.of("HOME", project.toString()));
        if (key != null) {
            env.put("BULWARK_BACKUP_KEY", key);
        }
        return env;
    }

    @Test
    void createListVerifyAndRestoreAnEncryptedBackupWithoutEverPrintingThePassword() throws SQLException {
        Map<String, String> env = env("correct horse battery staple");
        Cli c = Cli.run(project, env, "backup", "create", "--encrypt", "--url", url());
        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("Backup " + db.name() + "_").contains("1 tables, 200 rows").contains("encrypted");
        Cli l = Cli.run(project, env, "backup", "list");
        assertThat(l.out()).contains(".dump.enc").containsPattern("yes\\s+never");
        Cli v = Cli.run(project, env, "backup", "verify", "--drill", "--url", url());
        assertThat(v.exit()).as(v.all()).isZero();
        assertThat(v.out()).contains("ok: ").contains("fingerprints equal");
        assertThat(Cli.run(project, env, "backup", "list").out()).contains("ok (drill");
        try (Connection conn = db.open(); Statement s = conn.createStatement()) {
            s.execute("DELETE FROM t");
        }
        Cli r = Cli.run(project, env, "backup", "restore", "latest", "--no-safety-backup", "--url", url());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("The previous database is kept as ");
        try (Connection conn = db.open(); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(200);
        }
        String kept = r.out().replaceAll("(?s).*kept as (\\S+);.*", "$1");
        try (Connection conn = db.open(); Statement s = conn.createStatement()) {
            s.execute("DROP DATABASE \"" + kept + "\"");
        }
        for (Cli any : new Cli[]{c, l, v, r}) {
            assertThat(any.all()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aWrongKeySaysWrongKeyWithExitCode2AndTheBackupIsNotMarkedFailed() {
        Cli c = Cli.run(project, env("correct horse battery staple"), "backup", "create", "--encrypt", "--url", url());
        assertThat(c.exit()).as(c.all()).isZero();
        for (String[] args : new String[][]{{"backup", "verify", "--url", url()}, {"backup", "restore", "latest", "--url", url()}}) {
            Cli w = Cli.run(project, env("a different passphrase entirely"), args);
            assertThat(w.exit()).as(w.all()).isEqualTo(2);
            assertThat(w.err()).contains("error: wrong key: environment variable BULWARK_BACKUP_KEY is not the key")
                    .doesNotContain("damaged").doesNotContain("altered").doesNotContain("corrupt");
        }
        assertThat(Cli.run(project, env(null), "backup", "list").out()).containsPattern("yes\\s+never");
    }

    @Test
    void theSafetyBackupOfAnEncryptedRestoreIsEncryptedAndNoDecryptedFileIsEverWritten() throws Exception {
        Map<String, String> env = env("correct horse battery staple");
        assertThat(Cli.run(project, env, "backup", "create", "--encrypt", "--url", url()).exit()).isZero();
        Cli r = Cli.run(project, env, "backup", "restore", "latest", "--force", "--url", url());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("Safety backup of the previous contents: ").contains(".dump.enc");
        try (var files = Files.walk(project.resolve(".bulwark"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                assertThat(p.getFileName().toString()).as("a backup file at rest").doesNotEndWith(".dump").doesNotEndWith(".plain");
                byte[] head = Files.readAllBytes(p);
                assertThat(new String(head, 0, Math.min(5, head.length), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(p + " is a plaintext pg_dump archive").isNotEqualTo("PGDMP");
            }
        }
        String kept = r.out().replaceAll("(?s).*kept as (\\S+);.*", "$1");
        try (Connection conn = db.open(); Statement s = conn.createStatement()) {
            s.execute("DROP DATABASE \"" + kept + "\"");
        }
    }

    @Test
    void encryptWithoutAKeyFailsWithExitCode2AndWritesNothing() {
        Cli c = Cli.run(project, env(null), "backup", "create", "--encrypt", "--url", url());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("BULWARK_BACKUP_KEY is not set").contains("fix:");
        assertThat(Files.exists(project.resolve(".bulwark/backups"))).isFalse();
        assertThat(c.all()).doesNotContain(PASSWORD);
    }

    @Test
    void verifyOfADamagedBackupExitsWith1() throws Exception {
        Cli c = Cli.run(project, env(null), "backup", "create", "--url", url());
        assertThat(c.exit()).as(c.all()).isZero();
        Path dump;
        try (var files = Files.list(project.resolve(".bulwark/backups"))) {
            dump = files.filter(p -> p.toString().endsWith(".dump")).findFirst().orElseThrow();
        }
        Files.write(dump, new byte[]{1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Cli v = Cli.run(project, env(null), "backup", "verify", "--url", url());
        assertThat(v.exit()).isEqualTo(1);
        assertThat(v.out()).contains("FAILED").contains("checksum mismatch");
    }
}
