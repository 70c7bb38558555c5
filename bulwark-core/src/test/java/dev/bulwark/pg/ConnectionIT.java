package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.testing.PostgresExtension;
import dev.bulwark.testing.PostgresTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connection failures on a real server. The shared cluster trusts 127.0.0.1; for the password
 * tests a dedicated role gets a {@code scram-sha-256} line at the top of pg_hba.conf, so the
 * server really asks for and checks a password.
 */
@ExtendWith(PostgresExtension.class)
class ConnectionIT {
    private static final String ROLE = "bulwark_pw_" + ProcessHandle.current().pid();
    private static final String PASSWORD = "Corr3ct-h0rse:b@ttery/staple";
    private static Path hbaFile;
    private static String originalHba;

    @BeforeAll
    static void requirePasswordForADedicatedRole() throws Exception {
        try (Connection c = PostgresTestServer.admin().open("connection-it"); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE " + Identifiers.quote(ROLE) + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
            hbaFile = Path.of(queryString(c, "SHOW hba_file"));
            originalHba = Files.readString(hbaFile);
            Files.writeString(hbaFile, "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n" + originalHba);
            s.execute("SELECT pg_reload_conf()");
        }
        waitUntilPasswordRequired();
    }

    @AfterAll
    static void restore() throws Exception {
        Files.writeString(hbaFile, originalHba);
        try (Connection c = PostgresTestServer.admin().open("connection-it"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
            s.execute("DROP ROLE IF EXISTS " + Identifiers.quote(ROLE));
        }
    }

    @Test
    void aConnectionCarriesTheApplicationName(ConnectionSpec db) throws SQLException {
        try (Connection c = db.open("bulwark-deploy")) {
            assertThat(queryString(c, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"))
                    .isEqualTo("bulwark-deploy");
        }
    }

    @Test
    void theRightPasswordConnects(ConnectionSpec db) throws SQLException {
        ConnectionSpec spec = new ConnectionSpec(db.jdbcUrl(), ROLE, PASSWORD, Map.of());
        try (Connection c = spec.open("connection-it")) {
            assertThat(queryString(c, "SELECT current_user")).isEqualTo(ROLE);
        }
    }

    @Test
    void aWrongPasswordSaysWhatToCheckAndNeverShowsThePassword(ConnectionSpec db) {
        ConnectionSpec spec = new ConnectionSpec(db.jdbcUrl(), ROLE, "wrong-Secret-123", Map.of());
        assertThatThrownBy(() -> spec.open("connection-it"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DATABASE);
                    assertThat(e.describe()).isEqualTo("password authentication failed for user " + ROLE + " at "
                            + db.host() + ":" + db.port() + "/" + db.database()
                            + " — check the password (PGPASSWORD, ~/.pgpass or the URL)");
                    assertNoSecretAnywhere(e, "wrong-Secret-123");
                });
    }

    @Test
    void aMissingPasswordSaysWhereToPutOne(ConnectionSpec db) {
        ConnectionSpec spec = new ConnectionSpec(db.jdbcUrl(), ROLE, null, Map.of());
        assertThatThrownBy(() -> spec.open("connection-it"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("asks for a password for user " + ROLE, "and none was given", "PGPASSWORD", "~/.pgpass"));
    }

    @Test
    void aPasswordFromThePasswordFileIsUsedEndToEnd(ConnectionSpec db, @TempDir Path dir) throws Exception {
        Path pgpass = dir.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + db.port() + ":*:" + ROLE + ":" + PASSWORD.replace(":", "\\:") + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        String url = "postgresql://" + ROLE + "@127.0.0.1:" + db.port() + "/" + db.database();
        ConnectionSpec spec = ConnectionResolver.resolve(url, Map.of(), null, pgpass).orElseThrow();
        try (Connection c = spec.open("connection-it")) {
            assertThat(queryString(c, "SELECT current_user")).isEqualTo(ROLE);
        }
    }

    @Test
    void aNonExistentDatabaseIsNamed(ConnectionSpec db) {
        ConnectionSpec spec = db.withDatabase("no_such_db");
        assertThatThrownBy(() -> spec.open("connection-it"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .isEqualTo("database \"no_such_db\" does not exist on " + db.host() + ":" + db.port()
                                + " — create it, or fix the database name in the URL (or PGDATABASE)"));
    }

    @Test
    void anUnknownRoleIsNamedWithTheServersReason(ConnectionSpec db) {
        ConnectionSpec spec = new ConnectionSpec(db.jdbcUrl(), "nobody_here", null, Map.of());
        assertThatThrownBy(() -> spec.open("connection-it"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .contains("refused user nobody_here", "role \"nobody_here\" does not exist", "pg_hba.conf"));
    }

    @Test
    void aPortWithNoServerFailsFastAndSaysWhatToCheck() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }
        ConnectionSpec spec = ConnectionSpec.of("127.0.0.1", port, "app", "alice", "pw-never-shown");
        long started = System.nanoTime();
        assertThatThrownBy(() -> spec.open("connection-it"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> {
                    assertThat(e.describe()).isEqualTo("cannot reach 127.0.0.1:" + port
                            + " (connection refused) — is the server running, is the host right?");
                    assertNoSecretAnywhere(e, "pw-never-shown");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anUnknownHostSaysWhatToCheck() {
        ConnectionSpec spec = ConnectionSpec.of("no-such-host.invalid", 5432, "app", "alice", "pw-never-shown");
        assertThatThrownBy(() -> spec.open("connection-it"))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.describe())
                        .isEqualTo("cannot reach no-such-host.invalid:5432 (unknown host) — is the server running, is the host right?"));
    }

    private static void assertNoSecretAnywhere(BulwarkException e, String secret) {
        assertThat(e.getMessage()).doesNotContain(secret);
        assertThat(e.describe()).doesNotContain(secret);
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
        }
    }

    /** pg_reload_conf only signals the postmaster; wait until the new pg_hba line is in force. */
    private static void waitUntilPasswordRequired() throws InterruptedException {
        ConnectionSpec noPassword = PostgresTestServer.admin().withDatabase("postgres");
        ConnectionSpec asRole = new ConnectionSpec(noPassword.jdbcUrl(), ROLE, null, Map.of());
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Connection ignored = asRole.open("connection-it")) {
                Thread.sleep(50);
            } catch (BulwarkException | SQLException e) {
                return;
            }
        }
        throw new IllegalStateException("pg_hba.conf change for " + ROLE + " did not take effect");
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
