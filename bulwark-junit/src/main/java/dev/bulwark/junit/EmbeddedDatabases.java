package dev.bulwark.junit;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.MigrateOptions;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM's embedded server for tests, its migrated templates (one per set of locations) and
 * the databases cloned from them. The server keeps its data under {@code target/bulwark-junit}
 * (or the temp directory outside a Maven module) and stops when the JVM exits.
 */
final class EmbeddedDatabases {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Map<List<Object>, String> TEMPLATES = new ConcurrentHashMap<>();
    private static Embedded server;

    private EmbeddedDatabases() {
    }

    static synchronized Embedded server() {
        if (server == null) {
            Path parent = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = parent.resolve("bulwark-junit").toAbsolutePath();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = Embedded.open(dir);
            Embedded s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (String template : TEMPLATES.values()) {
                    try {
                        execute("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
                    } catch (RuntimeException ignored) {
                        // the server is stopping anyway
                    }
                }
                s.close();
            }, "bulwark-junit-stop"));
        }
        return server;
    }

    /** Superuser settings for the server's maintenance database; the password is null (trust on loopback). */
    static ConnectionSpec admin() {
        return server().connection("postgres");
    }

    /**
     * The migrated template for these locations, created and migrated on first use in this JVM; with
     * {@code contractPhase} off it stops at the phase barrier, as migrate does.
     */
    static String template(List<String> locations, boolean contractPhase, ClassLoader loader) {
        return TEMPLATES.computeIfAbsent(List.of(List.copyOf(locations), contractPhase), key -> {
            String name = "bulwark_tpl_" + PID + "_" + COUNTER.incrementAndGet();
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            execute("CREATE DATABASE " + name);
            ConnectionSpec db = server().connection(name);
            Bulwark.configure(loader).dataSource(db.jdbcUrl(), db.user(), null).locations(locations.toArray(String[]::new))
                    .projectDirectory(projectDirectory()).load()
                    .migrate(contractPhase ? MigrateOptions.defaults().includingContractPhase() : MigrateOptions.defaults());
            return name;
        });
    }

    /** A new database cloned from {@code template}. */
    static String cloneOf(String template) {
        String name = "bulwark_test_" + PID + "_" + COUNTER.incrementAndGet();
        execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        return name;
    }

    static void drop(String database) {
        execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    /** The project's folder (bulwark.toml, if any): the working directory, as Maven and Gradle set it. */
    static Path projectDirectory() {
        return Path.of("").toAbsolutePath();
    }

    private static void execute(String sql) {
        try (Connection c = admin().open("bulwark-junit"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on the embedded server: " + e.getMessage(), e);
        }
    }
}
