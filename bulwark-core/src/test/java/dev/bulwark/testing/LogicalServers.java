package dev.bulwark.testing;

import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;
import dev.bulwark.pg.Identifiers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Two embedded PostgreSQL clusters with {@code wal_level = logical}, "blue" and "green", for blue-green replication
 * tests: started on first use (initdb, {@code ALTER SYSTEM SET wal_level = logical}, restart) and stopped by a
 * shutdown hook. They live in {@code target/bulwark-it-logical-*}, which {@link PostgresTestServer} sweeps when a
 * killed JVM left them behind. Tests create their own databases with {@link #database}.
 */
public final class LogicalServers {
    private static Embedded blue;
    private static Embedded green;
    private static Path blueDir;
    private static Path greenDir;
    private static int counter;

    private LogicalServers() {
    }

    public static synchronized Embedded blue() {
        if (blue == null) {
            PostgresTestServer.shared(); // sweeps clusters of killed runs first
            blueDir = dir("blue");
            blue = logical(blueDir);
            Runtime.getRuntime().addShutdownHook(new Thread(LogicalServers::shutdown, "bulwark-test-logical-stop"));
        }
        return blue;
    }

    public static synchronized Embedded green() {
        blue();
        if (green == null) {
            greenDir = dir("green");
            green = logical(greenDir);
        }
        return green;
    }

    /** A new, empty database on the server, named from the hint; superuser connection settings. */
    public static synchronized ConnectionSpec database(Embedded server, String hint) {
        String name = "it_" + hint.replaceAll("[^a-z0-9]+", "_") + "_" + ProcessHandle.current().pid() + "_" + (++counter);
        try (Connection c = server.connection("postgres").open("bulwark-test-support"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + Identifiers.quote(name));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create " + name + ": " + e.getMessage(), e);
        }
        return server.connection(name);
    }

    /**
     * Drops databases made by {@link #database} with whatever replication objects a test left in them: first the
     * subscriptions of every one (detached from their slots, so an unreachable publisher does not stop the drop, and
     * no walsender keeps a slot of another one active), then the slots of the server that belong to each, and each.
     * Give both sides of a pair in one call, whichever side is the publisher.
     */
    public static void drop(ConnectionSpec... dbs) {
        for (ConnectionSpec db : dbs) {
            dropSubscriptions(db);
        }
        for (ConnectionSpec db : dbs) {
            dropDatabase(db);
        }
    }

    private static void dropSubscriptions(ConnectionSpec db) {
        try (Connection c = db.open("bulwark-test-support"); Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off");
            try (ResultSet rs = s.executeQuery("SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database"
                    + " WHERE datname = current_database())")) {
                java.util.List<String> subs = new java.util.ArrayList<>();
                while (rs.next()) {
                    subs.add(rs.getString(1));
                }
                for (String sub : subs) {
                    String q = Identifiers.quote(sub);
                    s.execute("ALTER SUBSCRIPTION " + q + " DISABLE");
                    s.execute("ALTER SUBSCRIPTION " + q + " SET (slot_name = NONE)");
                    s.execute("DROP SUBSCRIPTION " + q);
                }
            }
        } catch (SQLException | RuntimeException e) {
            // the drop below says what is wrong
        }
    }

    private static void dropDatabase(ConnectionSpec db) {
        ConnectionSpec admin = db.withDatabase("postgres");
        try (Connection c = admin.open("bulwark-test-support"); Statement s = c.createStatement()) {
            for (int i = 0; i < 50; i++) {
                try (ResultSet rs = s.executeQuery("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
                        + " WHERE database = " + literal(db.database()) + " AND NOT active")) {
                    rs.next();
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE database = "
                        + literal(db.database()))) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(db.database()) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop " + db.database() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A URL for the command line, user in the query string as the CLI tests write it. */
    public static String url(ConnectionSpec spec) {
        return spec.jdbcUrl() + (spec.jdbcUrl().contains("?") ? "&" : "?") + "user=" + spec.user();
    }

    /** The arguments of {@code bulwark replicate SUB --from BLUE --to GREEN MORE…}. */
    public static String[] replicateArgs(String sub, ConnectionSpec blue, ConnectionSpec green, String... more) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("replicate", sub, "--from", url(blue), "--to", url(green)));
        a.addAll(java.util.List.of(more));
        return a.toArray(String[]::new);
    }

    /** Runs SQL as the application would: a new session, subject to the database's read-only default. */
    public static void exec(ConnectionSpec db, String sql) throws SQLException {
        try (Connection c = db.open("it"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row, as a number. */
    public static long count(ConnectionSpec db, String sql) {
        try (Connection c = db.open("it"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row, as text. */
    public static String string(ConnectionSpec db, String sql) {
        try (Connection c = db.open("it"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return String.valueOf(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a new session of the database starts read-only (the fence of bulwark replicate). */
    public static boolean readOnly(ConnectionSpec db) throws SQLException {
        try (Connection c = db.open("it"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
            rs.next();
            return rs.getString(1).equals("on");
        }
    }

    /** Polls {@code condition} every 50 ms for up to 60 s; fails naming {@code what}. */
    public static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static Path dir(String name) {
        try {
            Path parent = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
            return Files.createTempDirectory(parent.toAbsolutePath(), "bulwark-it-logical-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Embedded logical(Path dir) {
        Embedded s = Embedded.open(dir);
        try (Connection c = s.connection("postgres").open("bulwark-test-support"); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET wal_level = logical");
            st.execute("ALTER SYSTEM SET max_replication_slots = 20");
            st.execute("ALTER SYSTEM SET max_wal_senders = 20");
            // The logical replication launcher starts missing apply workers at most once per this interval (5 s
            // by default) for the whole cluster: a subscription created just after another one's worker started
            // waits up to 5 s for its own. Tests create and drop many subscriptions one after the other; the
            // code under test waits for its workers and does not depend on how long that takes
            // (bench/switchover.sh keeps the default).
            st.execute("ALTER SYSTEM SET wal_retrieve_retry_interval = '200ms'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot configure " + dir + ": " + e.getMessage(), e);
        }
        s.close(); // the last user: stops it
        Embedded restarted = Embedded.open(dir);
        try (Connection c = restarted.connection("postgres").open("bulwark-test-support"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW wal_level")) {
            rs.next();
            if (!"logical".equals(rs.getString(1))) {
                throw new IllegalStateException("wal_level is " + rs.getString(1) + " after the restart of " + dir);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check " + dir + ": " + e.getMessage(), e);
        }
        return restarted;
    }

    private static synchronized void shutdown() {
        for (Embedded s : new Embedded[]{green, blue}) {
            if (s != null) {
                s.close();
            }
        }
        for (Path p : new Path[]{greenDir, blueDir}) {
            if (p != null) {
                try (Stream<Path> paths = Files.walk(p)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                } catch (IOException | UncheckedIOException e) {
                    // swept by the next run
                }
            }
        }
        green = null;
        blue = null;
    }
}
