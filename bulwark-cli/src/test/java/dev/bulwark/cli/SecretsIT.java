package dev.bulwark.cli;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.testing.PostgresTestServer;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command, and its failure paths, with a distinctive secret in each place a user puts one:
 * the URL, PGPASSWORD, a migration's {@code PASSWORD '…'}, the committed bulwark.toml, the backup
 * key. Then stdout, stderr, reports, manifests, history rows, notifications and every file under
 * {@code .bulwark/} (the embedded server's log included) are searched: no secret may appear.
 * The commands come from picocli's registry: a new command without an entry here fails the test.
 */
class SecretsIT {
    static final String URL_PW = "UrlPw-7f3Kq9-zzTOP";
    static final String ENV_PW = "EnvPw-2m8Xc4-zzTOP";
    static final String MIG_PW = "MigPw-5r1Vb6-zzTOP";
    static final String CONFIG_PW = "CfgPw-9d4Hn2-zzTOP";
    static final String KEY = "KeyPassphrase-3j6Wy8-zzTOP";
    static final String NOTIFY_TOKEN = "HookTok-8s2Lp1-zzTOP";
    static final List<String> SECRETS = List.of(URL_PW, ENV_PW, MIG_PW, CONFIG_PW, KEY, NOTIFY_TOKEN);
    static final String DEAD = "postgresql://app:" + URL_PW + "@127.0.0.1:1/nowhere";

    TestDatabase db;
    TestDatabase copyTarget;
    HttpServer http;
    final List<String> notifications = new CopyOnWriteArrayList<>();
    final List<String> outputs = new ArrayList<>();
    final TreeSet<String> covered = new TreeSet<>();
    final List<String> internalErrors = new ArrayList<>();
    String role;

    @TempDir
    Path project;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create("secrets");
        copyTarget = TestDatabase.create("secrets_copy");
        role = "secrets_it_" + Long.toHexString(System.nanoTime());
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            notifications.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
        Path m = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_items.sql"), "-- bulwark:up\nCREATE TABLE items (id int PRIMARY KEY, name text);\n"
                + "INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 50) g;\n-- bulwark:down\nDROP TABLE items;\n");
        Files.writeString(m.resolve("20260102000000_app_role.sql"), "-- bulwark:up\nCREATE ROLE " + role + " LOGIN PASSWORD '" + MIG_PW
                + "';\n-- bulwark:down\nDROP ROLE " + role + ";\n");
        Files.writeString(project.resolve("bulwark.toml"), "[database]\nurl = \"" + url(CONFIG_PW) + "\"\n\n[deploy]\nnotify_url = \""
                + "http://127.0.0.1:" + http.getAddress().getPort() + "/hook?token=" + NOTIFY_TOKEN + "\"\n");
    }

    @AfterEach
    void tearDown() throws SQLException {
        http.stop(0);
        copyTarget.close();
        db.close();
        try (Connection c = PostgresTestServer.admin().open("bulwark-test-support"); Statement s = c.createStatement()) {
            List<String> leftovers = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + db.name() + "%'")) {
                while (rs.next()) {
                    leftovers.add(rs.getString(1));
                }
            }
            for (String d : leftovers) {
                s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(d) + " WITH (FORCE)");
            }
            s.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    private String url(String password) {
        return db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + (password == null ? "" : ":" + password) + "@");
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", project.toString());
        env.put("PGPASSWORD", ENV_PW);
        env.put("BULWARK_BACKUP_KEY", KEY);
        return env;
    }

    /** Runs one command line and keeps everything it printed. */
    private Cli run(String command, String... args) {
        covered.add(command);
        Cli c = Cli.run(project, env(), args);
        // the command line itself holds secrets: it is labelled by command, not echoed
        outputs.add("$ bulwark " + command + " #" + outputs.size() + " (exit " + c.exit() + ")\n" + c.out() + c.err());
        if (c.exit() == ExitCodes.INTERNAL || c.err().contains("internal error")) {
            internalErrors.add(command + " #" + (outputs.size() - 1) + ": " + c.err());
        }
        return c;
    }

    /** Every leaf command picocli knows, by qualified name without "bulwark ": "migrate", "backup create". */
    static Map<String, CommandLine> leafCommands(Path dir) {
        Map<String, CommandLine> leaves = new LinkedHashMap<>();
        collect(new CommandLine(new BulwarkCommand(Map.of(), dir)), leaves);
        return leaves;
    }

    private static void collect(CommandLine cl, Map<String, CommandLine> leaves) {
        if (cl.getSubcommands().isEmpty()) {
            leaves.put(cl.getCommandSpec().qualifiedName(" ").replaceFirst("^bulwark ", ""), cl);
        }
        cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, leaves));
    }

    @Test
    void noSecretAppearsInAnyOutputReportLogHistoryRowOrNotificationOfAnyCommand() throws Exception {
        String url = url(URL_PW);
        String urlEnvPassword = url(null); // the password comes from PGPASSWORD
        String copyUrl = copyTarget.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.spec().user() + ":" + URL_PW + "@");

        // the happy paths, in an order that leaves something for the next command to work on
        run("lint", "lint");
        run("lint", "lint", "-o", "json"); // lint's JSON output (--format is now a usage error naming -o and --migration-format)
        run("lint", "lint", "--url", url);
        run("test", "test");
        run("test", "test", "-o", "json", "--report", "test-report.json");
        run("migrate", "migrate", "--dry-run", "--url", url);
        run("deploy", "deploy", "--encrypt", "--url", url); // notifies the hook from bulwark.toml
        run("status", "status"); // the configured URL, CONFIG_PW
        run("status", "status", "--url", urlEnvPassword);
        run("history", "history", "--url", url);
        run("check", "check", "--url", url);
        run("verify", "verify", "--url", url);
        run("snapshots", "snapshots", "--url", url);
        run("audit", "audit", "--url", url, "--report", "audit-report.html");
        run("rollback", "rollback", "--url", url);
        run("migrate", "migrate", "--url", urlEnvPassword);
        run("repair", "repair", "-y", "--url", url);
        run("baseline", "baseline", "--version", "20260101000000", "--url", url); // refused: history exists
        run("backup create", "backup", "create", "--encrypt", "--url", url);
        run("backup create", "backup", "create", "--url", url);
        run("backup list", "backup", "list");
        run("backup verify", "backup", "verify", "--drill", "--url", url);
        run("backup restore", "backup", "restore", "latest", "--force", "--url", url);
        run("backup restore", "backup", "restore", "latest", "--key-env", "NO_SUCH_KEY", "--url", url);
        run("backup prune", "backup", "prune", "--keep", "1", "--max-age", "0s", "--dry-run");
        run("copy", "copy", "--from", url, "--to", copyUrl);
        run("db status", "db", "status");
        run("db url", "db", "url");
        run("db start", "db", "start");
        run("db stop", "db", "stop");
        Path fresh = Files.createDirectories(project.resolve("fresh"));
        run("init", "-C", fresh.toString(), "init");
        run("new", "-C", fresh.toString(), "new", "add_thing");
        run("help", "help");
        run("help", "help", "backup");

        // a failing migration whose statement holds the password
        Files.writeString(project.resolve("migrations/20260103000000_again.sql"), "-- bulwark:up\nALTER ROLE " + role + " PASSWORD '"
                + MIG_PW + "';\nCREATE ROLE " + role + " LOGIN PASSWORD '" + MIG_PW + "';\n-- bulwark:down\nSELECT 1;\n");
        run("migrate", "migrate", "--dry-run", "--url", url);
        run("migrate", "migrate", "--url", url);
        run("test", "test");
        run("deploy", "deploy", "--no-backup", "--url", url);
        run("lint", "lint");

        // every command's generic failure paths: a bad option next to a URL, an unreachable server
        Map<String, CommandLine> leaves = leafCommands(project);
        for (Map.Entry<String, CommandLine> leaf : leaves.entrySet()) {
            List<String> words = List.of(leaf.getKey().split(" "));
            List<String> bad = new ArrayList<>(words);
            bad.addAll(List.of("--frobnicate", "--url", DEAD, "--password=" + URL_PW));
            run(leaf.getKey(), bad.toArray(String[]::new));
            CommandLine.Model.CommandSpec spec = leaf.getValue().getCommandSpec();
            if (spec.findOption("--url") != null) {
                List<String> unreachable = new ArrayList<>(words);
                unreachable.addAll(List.of("--url", DEAD));
                if (leaf.getKey().equals("backup restore")) {
                    unreachable.add(words.size(), "latest");
                }
                run(leaf.getKey(), unreachable.toArray(String[]::new));
            }
            if (spec.findOption("--from") != null) {
                run(leaf.getKey(), Stream.concat(words.stream(), Stream.of("--from", DEAD, "--to", copyUrl)).toArray(String[]::new));
            }
        }

        assertThat(covered).as("every command picocli registers is run here").containsAll(leaves.keySet());
        assertThat(notifications).as("the deploy notified the configured hook").isNotEmpty();
        assertThat(internalErrors).as("no command ended in an internal error").isEmpty();

        Map<String, String> places = new LinkedHashMap<>();
        places.put("stdout and stderr", String.join("\n", outputs));
        places.put("notifications", String.join("\n", notifications));
        places.put("history rows", historyRows());
        places.put("reports", read(project.resolve("test-report.json")) + read(project.resolve("audit-report.html")));
        places.put(".bulwark/", filesUnder(project.resolve(".bulwark")));
        assertThat(places.get(".bulwark/")).as("the embedded server's log is searched").contains("=== postgres.log");
        assertThat(places.get(".bulwark/")).as("manifests are searched").contains(".json ===");
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (String secret : SECRETS) {
                String text = place.getValue();
                for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                    int header = text.lastIndexOf("$ bulwark ", at);
                    soft.fail(secret + " in " + place.getKey() + (header < 0 ? "" : " after " + text.substring(header, text.indexOf('\n', header)))
                            + ": …" + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 40)) + "…");
                }
            }
        }
        soft.assertAll();
        // the masking hid them, it did not swallow the lines: the failing migration is still reported
        assertThat(places.get("stdout and stderr")).contains("PASSWORD '***'").contains("already exists");
    }

    private String historyRows() throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Connection c = db.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT h::text FROM bulwark_history h")) {
            while (rs.next()) {
                b.append(rs.getString(1)).append('\n');
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
        return b.toString();
    }

    private static String read(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    }

    /** Every file under {@code dir} but the embedded cluster's data files and the (encrypted or compressed) dumps. */
    private static String filesUnder(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).filter(p -> !p.toString().contains("pgdata")).toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".dump") || name.endsWith(".enc") || name.endsWith(".bin")) {
                    continue;
                }
                b.append("=== ").append(name).append(" ===\n").append(Files.readString(p, StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return b.toString();
    }
}
