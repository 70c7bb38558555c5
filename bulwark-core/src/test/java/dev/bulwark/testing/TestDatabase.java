package dev.bulwark.testing;

import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A freshly created, uniquely named database on the shared test cluster, dropped on close.
 *
 * <pre>{@code
 * try (TestDatabase db = TestDatabase.create("lock-retries")) {
 *     try (Connection c = db.open()) { ... }
 * }
 * }</pre>
 */
public final class TestDatabase implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final ConnectionSpec spec;
    private boolean closed;

    private TestDatabase(String name, ConnectionSpec spec) {
        this.name = name;
        this.spec = spec;
    }

    /** Creates a database whose name starts with {@code it_} and the sanitized hint. */
    public static TestDatabase create(String nameHint) {
        String name = uniqueName(nameHint);
        ConnectionSpec admin = PostgresTestServer.admin();
        try (Connection connection = admin.open("bulwark-test-support");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + Identifiers.quote(name));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabase(name, admin.withDatabase(name));
    }

    public String name() {
        return name;
    }

    /** Superuser connection settings for this database. */
    public ConnectionSpec spec() {
        return spec;
    }

    /** A new connection to this database, named {@code bulwark-test}. */
    public Connection open() {
        return spec.open("bulwark-test");
    }

    /** Runs SQL (one statement or several, separated by semicolons) in a new session and its own transaction(s). */
    public void execute(String sql) throws SQLException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Drops the database, disconnecting anything still connected to it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Connection connection = PostgresTestServer.admin().open("bulwark-test-support");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + "]";
    }

    static String uniqueName(String hint) {
        String clean = hint == null ? "" : hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        String suffix = "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        int room = 63 - "it_".length() - suffix.length();
        if (clean.length() > room) {
            clean = clean.substring(0, room);
        }
        return "it_" + clean + suffix;
    }
}
