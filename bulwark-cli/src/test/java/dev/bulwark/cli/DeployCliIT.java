package dev.bulwark.cli;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DeployCliIT {
    static final String PASSWORD = "cli-Deploy-pw-99";
    TestDatabase db;
    HttpServer http;
    final List<String> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path project;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create("deploy_cli");
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY, name text);\n"
                + "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 50) g;\n-- bulwark:down\nDROP TABLE items;\n");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            events.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.createContext("/health", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void tearDown() {
        http.stop(0);
        db.close();
    }

    private String url() {
        return db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + ":" + PASSWORD + "@");
    }

    private String hook(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private Cli run(String... args) {
        return Cli.run(project, Map.of("HOME", project.toString()), args);
    }

    private String allReports() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> all = Files.walk(project.resolve(".bulwark"))) {
            for (Path p : all.filter(Files::isRegularFile).filter(p -> !p.toString().contains("pgdata")).toList()) {
                b.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return b.toString();
    }

    @Test
    void deployAppliesNotifiesEachStageAndNeverShowsThePassword() throws IOException {
        Cli d = run("deploy", "--url", url(), "--notify-url", hook("/hook"));
        assertThat(d.exit()).as(d.all()).isZero();
        assertThat(d.out()).contains("DEPLOYED: deployed: 1 migration(s) applied and verified").contains("Report: .bulwark/reports/deploy_");
        assertThat(d.all()).contains("preflight: ").contains("backup: ok").contains("apply: ok").contains("verify: ok");
        assertThat(events).hasSizeGreaterThanOrEqualTo(6);
        assertThat(events).allSatisfy(e -> assertThat(e).contains("\"text\" : \"bulwark deploy deploy_").doesNotContain(PASSWORD));
        assertThat(d.all()).doesNotContain(PASSWORD);
        assertThat(allReports()).doesNotContain(PASSWORD);
        Cli again = run("deploy", "--url", url());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already up to date");
    }

    @Test
    void aFailingHealthCheckRollsBackWithExitCode4() throws SQLException {
        Cli d = run("deploy", "--url", url(), "--health-url", hook("/health"));
        assertThat(d.exit()).as(d.all()).isEqualTo(4);
        assertThat(d.all()).contains("health: failed").contains("answered HTTP 503 3 times").contains("ROLLED BACK");
        try (Connection c = db.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('public.items') IS NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("the table the deploy created is gone").isTrue();
        }
    }

    @Test
    void checkReportsEveryCheckAndExits1WhenOneFails() throws Exception {
        Files.writeString(project.resolve("migrations/20260101000000_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int);\n");
        run("migrate", "--url", url());
        Files.writeString(project.resolve("migrations/20260101000000_items.sql"), "-- bulwark:up\nCREATE TABLE items (id bigint);\n");
        Cli c = run("check", "--url", url());
        assertThat(c.exit()).as(c.all()).isEqualTo(1);
        for (String id : List.of("connectivity", "server-version", "migration-set", "failed-migrations", "privileges", "recent-backup",
                "long-running-queries", "idle-in-transaction", "locks-on-touched-tables", "disk-space", "replication-lag",
                "connection-headroom", "xid-wraparound")) {
            assertThat(c.out()).contains(id);
        }
        assertThat(c.out()).contains("fail: migration-set: 20260101000000 edited after it was applied");
        Cli json = run("check", "-o", "json", "--url", url());
        assertThat(json.out()).contains("\"id\" : \"xid-wraparound\"");
        assertThat(c.all() + json.all()).doesNotContain(PASSWORD);
        Cli d = run("deploy", "--url", url());
        assertThat(d.exit()).isEqualTo(1);
        assertThat(d.all()).contains("refused").contains("nothing was changed");
    }

    @Test
    void snapshotsListsWhatADeploySnapshotted() throws Exception {
        assertThat(run("migrate", "--url", url()).exit()).isZero();
        Files.writeString(project.resolve("migrations/20260102000000_drop_name.sql"),
                "-- bulwark:up\nALTER TABLE items DROP COLUMN name;\n-- bulwark:down\nALTER TABLE items ADD COLUMN name text;\n");
        Cli d = run("deploy", "--url", url(), "--no-backup");
        assertThat(d.exit()).as(d.all()).isZero();
        Cli s = run("snapshots", "--url", url());
        assertThat(s.out()).contains("20260102000000").contains("DROP COLUMN").contains("public.items").contains("50");
        Cli p = run("snapshots", "--url", url(), "--prune", "--older-than", "0s");
        assertThat(p.out()).contains("Deleted 1 snapshot(s)");
        assertThat(run("snapshots", "--url", url()).out()).contains("No snapshots");
    }
}
