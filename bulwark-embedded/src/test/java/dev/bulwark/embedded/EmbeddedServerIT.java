package dev.bulwark.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each test owns a project directory and so its own cluster; nothing here uses the shared test server. */
class EmbeddedServerIT {

    @TempDir
    Path project;

    @Test
    void firstOpenCreatesTheClusterAndTheBulwarkDatabaseAndCloseStopsIt() throws SQLException {
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            assertThat(server.dataDir()).isEqualTo(project.toAbsolutePath().resolve(".bulwark/pgdata"));
            assertThat(server.dataDir().resolve("PG_VERSION")).hasContent("15");
            try (Connection c = open(server)) {
                assertThat(queryString(c, "SELECT current_database()")).isEqualTo("bulwark");
                assertThat(queryString(c, "SELECT current_user")).isEqualTo("postgres");
                assertThat(queryString(c, "SHOW server_version")).startsWith("15.");
                assertThat(queryString(c, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(queryString(c, "SHOW unix_socket_directories")).isEmpty();
                assertThat(queryString(c, "SHOW server_encoding")).isEqualTo("UTF8");
                assertThat(queryString(c, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"))
                        .isEqualTo("embedded-it");
            }
            EmbeddedStatus status = EmbeddedServer.status(project);
            assertThat(status.running()).isTrue();
            assertThat(status.pid()).isEqualTo(server.pid());
            assertThat(status.port()).isEqualTo(server.port());
            assertThat(status.persistent()).isFalse();
            assertThat(status.version()).isEqualTo("15.15");
        }
        EmbeddedStatus after = EmbeddedServer.status(project);
        assertThat(after.running()).isFalse();
        assertThat(after.pid()).isZero();
        assertThat(project.resolve(".bulwark/postgres.log")).exists();
    }

    @Test
    void dataAndPortPersistBetweenRuns() throws SQLException {
        int port;
        try (EmbeddedServer server = EmbeddedServer.open(project);
             Connection c = open(server);
             Statement s = c.createStatement()) {
            port = server.port();
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (42)");
        }
        assertThat(EmbeddedServer.status(project).running()).isFalse();
        try (EmbeddedServer server = EmbeddedServer.open(project);
             Connection c = open(server)) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(queryString(c, "SELECT id::text FROM kept")).isEqualTo("42");
        }
    }

    @Test
    void twoUsersInOneJvmShareOneServerAndTheLastOneOutStopsIt() {
        EmbeddedServer first = EmbeddedServer.open(project);
        EmbeddedServer second = EmbeddedServer.open(project);
        assertThat(second.pid()).isEqualTo(first.pid());
        first.close();
        assertThat(EmbeddedServer.status(project).running()).as("still used by the second").isTrue();
        second.close();
        assertThat(EmbeddedServer.status(project).running()).isFalse();
    }

    @Test
    void anotherProcessJoinsTheServerAndWhoeverLeavesLastStopsIt() throws Exception {
        // This process starts it, the child joins; this process leaves first, the child stops it.
        EmbeddedServer mine = EmbeddedServer.open(project);
        Child child = Child.start(project);
        assertThat(child.pid()).isEqualTo(mine.pid());
        mine.close();
        assertThat(EmbeddedServer.status(project).running()).as("the child still uses it").isTrue();
        child.finish();
        assertThat(EmbeddedServer.status(project).running()).isFalse();

        // The child starts it, this process joins; the child leaves first, this process stops it.
        Child starter = Child.start(project);
        try (EmbeddedServer joined = EmbeddedServer.open(project)) {
            assertThat(joined.pid()).isEqualTo(starter.pid());
            starter.finish();
            assertThat(EmbeddedServer.status(project).running()).as("this process still uses it").isTrue();
        }
        assertThat(EmbeddedServer.status(project).running()).isFalse();
    }

    @Test
    void persistentStartKeepsRunningAfterUsersLeaveUntilStop() {
        EmbeddedStatus started = EmbeddedServer.startPersistent(project);
        assertThat(started.running()).isTrue();
        assertThat(started.persistent()).isTrue();
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            assertThat(server.pid()).isEqualTo(started.pid());
        }
        assertThat(EmbeddedServer.status(project).running()).isTrue();

        EmbeddedStatus stopped = EmbeddedServer.stop(project);
        assertThat(stopped.running()).isFalse();
        assertThat(stopped.persistent()).isFalse();
    }

    @Test
    void stopWhileInUseLeavesItRunningUntilTheLastUserCloses() {
        EmbeddedServer.startPersistent(project);
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            EmbeddedStatus status = EmbeddedServer.stop(project);
            assertThat(status.running()).as("not cut off under a running migration").isTrue();
            assertThat(status.persistent()).isFalse();
        }
        assertThat(EmbeddedServer.status(project).running()).isFalse();
    }

    @Test
    void aServerKilledWithSigkillDoesNotBlockTheNextStart() throws Exception {
        EmbeddedStatus started = EmbeddedServer.startPersistent(project);
        ProcessHandle postmaster = ProcessHandle.of(started.pid()).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get(10, TimeUnit.SECONDS);
        assertThat(project.resolve(".bulwark/pgdata/postmaster.pid")).as("left behind by the kill").exists();
        assertThat(EmbeddedServer.status(project).running()).isFalse();

        try (EmbeddedServer server = EmbeddedServer.open(project);
             Connection c = open(server)) {
            assertThat(server.pid()).isNotEqualTo(started.pid());
            assertThat(queryString(c, "SELECT 'recovered'")).isEqualTo("recovered");
        }
        assertThat(EmbeddedServer.status(project).running()).as("the kill also ended persistence").isFalse();
    }

    @Test
    void aStalePidFileNamingAnotherLiveProgramIsNeitherSignalledNorBlocking() throws Exception {
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            // warm up: create the cluster
        }
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path pidFile = project.resolve(".bulwark/pgdata/postmaster.pid");
            Files.writeString(pidFile, sleeper.pid() + "\n" + project + "\n0\n5432\n\n127.0.0.1\n0 0\nready\n");
            EmbeddedServer.stop(project);
            assertThat(sleeper.isAlive()).as("stop must not signal a pid that is not a postgres").isTrue();
            try (EmbeddedServer server = EmbeddedServer.open(project)) {
                assertThat(server.pid()).isNotEqualTo(sleeper.pid());
            }
            assertThat(sleeper.isAlive()).isTrue();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void aTakenPortMovesTheServerToAnotherAndStoresIt() throws IOException {
        int first;
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            first = server.port();
        }
        int second;
        try (ServerSocket squatter = new ServerSocket(first, 1, InetAddress.getByName("127.0.0.1"));
             EmbeddedServer server = EmbeddedServer.open(project)) {
            second = server.port();
            assertThat(second).isNotEqualTo(first);
        }
        assertThat(EmbeddedServer.status(project).port()).isEqualTo(second);
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            assertThat(server.port()).as("the new port is kept").isEqualTo(second);
        }
    }

    @Test
    void aProjectPathWithSpacesAndQuotesWorks() throws SQLException, IOException {
        Path odd = Files.createDirectories(project.resolve("it's my \"project\" $HOME"));
        try (EmbeddedServer server = EmbeddedServer.open(odd);
             Connection c = open(server)) {
            assertThat(queryString(c, "SHOW data_directory")).isEqualTo(odd.resolve(".bulwark/pgdata").toString());
        }
        assertThat(EmbeddedServer.status(odd).running()).isFalse();
    }

    @Test
    void statusOfAFreshProjectSaysNotRunningAndCreatesNothing() {
        EmbeddedStatus status = EmbeddedServer.status(project);
        assertThat(status.running()).isFalse();
        assertThat(status.port()).isZero();
        assertThat(status.version()).isEqualTo("15.15");
        assertThat(project.resolve(".bulwark")).doesNotExist();
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedWithTheFix() throws IOException {
        Path dataDir = Files.createDirectories(project.resolve(".bulwark/pgdata"));
        Files.writeString(dataDir.resolve("PG_VERSION"), "14\n");
        assertThatThrownBy(() -> EmbeddedServer.open(project))
                .isInstanceOfSatisfying(EmbeddedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmbeddedException.Kind.DATABASE);
                    assertThat(e.describe()).contains("created by PostgreSQL 14", "embeds PostgreSQL 15.15",
                            "delete " + dataDir);
                });
    }

    @Test
    void aDirectoryThatIsNotAClusterIsRefusedNotOverwritten() throws IOException {
        Path dataDir = Files.createDirectories(project.resolve(".bulwark/pgdata"));
        Files.writeString(dataDir.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> EmbeddedServer.open(project))
                .isInstanceOf(EmbeddedException.class)
                .hasMessageContaining("is not a PostgreSQL data directory");
        assertThat(dataDir.resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void asRootTheServerRunsInAUserNamespaceAndTheDataStaysOwnedByRoot() throws IOException {
        boolean root = PgCtl.RootPrefix.isRoot();
        assertThat(PgCtl.forCurrentUser(PostgresBinaries.get()).usesUserNamespace()).isEqualTo(root);
        try (EmbeddedServer server = EmbeddedServer.open(project)) {
            PosixFileAttributes attributes = Files.readAttributes(server.dataDir(), PosixFileAttributes.class);
            assertThat(attributes.owner().getName()).isEqualTo(System.getProperty("user.name"));
            assertThat(attributes.permissions()).as("PostgreSQL requires 0700 or 0750")
                    .doesNotContain(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        }
    }

    /** A connection to the project database, named {@code embedded-it}. */
    private static Connection open(EmbeddedServer server) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "embedded-it");
        return DriverManager.getConnection(server.jdbcUrl(), properties);
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** An {@link EmbeddedServerChild} JVM on this test's classpath. */
    private record Child(Process process, BufferedReader out, Writer in, long pid) {
        static Child start(Path project) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    EmbeddedServerChild.class.getName(), project.toString()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).as("child output").startsWith("READY ");
            return new Child(process, out, new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                    Long.parseLong(ready.split(" ")[1]));
        }

        void finish() throws Exception {
            in.write("close\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("CLOSED");
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
