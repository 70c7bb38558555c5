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
        leaks(places, SECRETS).forEach(soft::fail);
        soft.assertAll();
        // the masking hid them, it did not swallow the lines: the failing migration is still reported
        assertThat(places.get("stdout and stderr")).contains("PASSWORD '***'").contains("already exists");
    }

    /** Every occurrence of a secret in the places searched, with where it was and its context. */
    static List<String> leaks(Map<String, String> places, List<String> secrets) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (String secret : secrets) {
                String text = place.getValue();
                for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                    int header = text.lastIndexOf("$ bulwark ", at);
                    int eol = header < 0 ? -1 : text.indexOf('\n', header);
                    found.add(secret + " in " + place.getKey() + (header < 0 ? "" : " after " + text.substring(header, eol < 0 ? text.length() : eol))
                            + ": …" + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 40)) + "…");
                }
            }
        }
        return found;
    }

    /**
     * The negative control: the same commands and the same search, with the masking layer left
     * out (picocli's command line as {@link Main} builds it, but with the raw writers instead of
     * {@link MaskedOutput}'s). The search must find the secrets, or the test above could not fail.
     */
    @Test
    void withoutTheMaskingLayerTheSameSearchFindsTheSecrets() throws Exception {
        String url = url(URL_PW);
        Files.writeString(project.resolve("migrations/20260103000000_again.sql"), "-- bulwark:up\nALTER ROLE " + role + " PASSWORD '"
                + MIG_PW + "';\n-- bulwark:down\nSELECT 1;\n");
        List<String> unmasked = new ArrayList<>();
        for (String[] args : List.of(new String[] {"status", "--frobnicate", "--url", DEAD, "--password=" + URL_PW},
                new String[] {"migrate", "--dry-run", "--url", url})) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int exit = Main.commandLine(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), env(), project, true)
                    .execute(args);
            unmasked.add("$ bulwark " + args[0] + " unmasked (exit " + exit + ")\n" + out + err);
        }
        List<String> found = leaks(Map.of("stdout and stderr", String.join("\n", unmasked)), SECRETS);
        assertThat(found).as("the search finds the parser error's password").anyMatch(f -> f.startsWith(URL_PW + " in stdout"));
        // and through the masking layer, the very same command lines print none of them
        List<String> masked = new ArrayList<>();
        masked.add(run("status", "status", "--frobnicate", "--url", DEAD, "--password=" + URL_PW).all());
        masked.add(run("migrate", "migrate", "--dry-run", "--url", url).all());
        assertThat(leaks(Map.of("stdout and stderr", String.join("\n", masked)), SECRETS)).isEmpty();
        assertThat(String.join("\n", masked)).contains("--password=***");
    }

    /**
     * A server that really checks passwords (a scram-sha-256 line in pg_hba.conf for a role of
     * this test), reached with a wrong one: every command that connects names the problem and the
     * fix, exits with the database code, and prints neither the wrong password nor the right one.
     */
    @Test
    void aWrongPasswordNamesTheProblemAndTheFixAndPrintsNeitherPassword() throws Exception {
        String pwRole = role + "_pw";
        String right = "RightPw-4k7Tq2-zzTOP";
        String wrong = "WrongPw-6n3Ls5-zzTOP";
        Path hba;
        String originalHba;
        try (Connection c = PostgresTestServer.admin().open("bulwark-test-support"); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("CREATE ROLE " + pwRole + " LOGIN SUPERUSER PASSWORD '" + right + "'");
            try (ResultSet rs = s.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Path.of(rs.getString(1));
            }
            originalHba = Files.readString(hba);
            Files.writeString(hba, "host all " + pwRole + " 127.0.0.1/32 scram-sha-256\n" + originalHba);
            s.execute("SELECT pg_reload_conf()");
        }
        try {
            String base = db.spec().jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + pwRole + ":%s@");
            // the control: the right password connects (so the failures below are the password's)
            long deadline = System.currentTimeMillis() + 10_000;
            Cli noPassword;
            do { // pg_reload_conf only signals the postmaster: wait until the line is in force
                Thread.sleep(50);
                Map<String, String> e = env();
                e.remove("PGPASSWORD");
                noPassword = Cli.run(project, e, "status", "--url", base.replace(":%s@", "@"));
            } while (noPassword.exit() == ExitCodes.OK && System.currentTimeMillis() < deadline);
            assertThat(noPassword.err()).as(noPassword.toString()).contains("asks for a password for user " + pwRole);
            Cli ok = Cli.run(project, env(), "status", "--url", String.format(base, right));
            assertThat(ok.exit()).as(ok.toString()).isIn(ExitCodes.OK, ExitCodes.FINDINGS);

            List<String> outputs = new ArrayList<>();
            List<String[]> commands = List.of(new String[] {"status", "--url", String.format(base, wrong)},
                    new String[] {"migrate", "--url", String.format(base, wrong)},
                    new String[] {"deploy", "--url", String.format(base, wrong)},
                    new String[] {"backup", "create", "--url", String.format(base, wrong)},
                    new String[] {"verify", "--url", String.format(base, wrong)});
            for (String[] args : commands) {
                Cli c = Cli.run(project, env(), args);
                outputs.add("$ bulwark " + args[0] + " (exit " + c.exit() + ")\n" + c.out() + c.err());
                assertThat(c.exit()).as(String.join(" ", args[0]) + ": " + c.err()).isEqualTo(ExitCodes.DATABASE);
                assertThat(c.err()).as(args[0]).contains("password authentication failed for user " + pwRole)
                        .contains("check the password (PGPASSWORD, ~/.pgpass or the URL)")
                        .doesNotContain("Exception").doesNotContain("\tat ");
            }
            // the wrong password from PGPASSWORD, no password in the URL
            Map<String, String> e = env();
            e.put("PGPASSWORD", wrong);
            Cli fromEnv = Cli.run(project, e, "status", "--url", base.replace(":%s@", "@"));
            outputs.add("$ bulwark status PGPASSWORD (exit " + fromEnv.exit() + ")\n" + fromEnv.out() + fromEnv.err());
            assertThat(fromEnv.exit()).isEqualTo(ExitCodes.DATABASE);
            assertThat(fromEnv.err()).contains("password authentication failed for user " + pwRole);

            Map<String, String> places = new LinkedHashMap<>();
            places.put("stdout and stderr", String.join("\n", outputs));
            places.put(".bulwark/", filesUnder(project.resolve(".bulwark")));
            assertThat(leaks(places, List.of(wrong, right))).isEmpty();
        } finally {
            Files.writeString(hba, originalHba);
            try (Connection c = PostgresTestServer.admin().open("bulwark-test-support"); Statement s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
                s.execute("DROP ROLE IF EXISTS " + pwRole);
            }
        }
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
