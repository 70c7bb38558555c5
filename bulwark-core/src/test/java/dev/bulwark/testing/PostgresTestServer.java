package dev.bulwark.testing;

import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One embedded PostgreSQL cluster per test JVM, started on first use and stopped by a shutdown
 * hook. Integration tests never share a database: each class gets its own through
 * {@link TestDatabase} or {@link PostgresExtension}.
 *
 * <p>The cluster lives in {@code target/bulwark-it-*} when run from a module directory; clusters
 * left there by a JVM that was killed are stopped and deleted by the next run.
 */
public final class PostgresTestServer {
    private static final String PREFIX = "bulwark-it-";
    private static Embedded server;
    private static Path projectDir;

    private PostgresTestServer() {
    }

    /** The shared server, started on the first call. */
    public static synchronized Embedded shared() {
        if (server == null) {
            try {
                Path parent = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
                if (parent.endsWith("target")) {
                    sweepOrphans(parent);
                }
                projectDir = Files.createTempDirectory(parent.toAbsolutePath(), PREFIX);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = Embedded.open(projectDir);
            Runtime.getRuntime().addShutdownHook(new Thread(PostgresTestServer::shutdown, "bulwark-test-postgres-stop"));
        }
        return server;
    }

    /** Superuser connection to the {@code postgres} maintenance database, for creating and dropping databases. */
    public static ConnectionSpec admin() {
        return shared().connection("postgres");
    }

    private static synchronized void shutdown() {
        if (server != null) {
            server.close();
            deleteTree(projectDir);
            server = null;
        }
    }

    /** Clusters of killed test JVMs: stopped unless another JVM still uses them, then deleted. */
    private static void sweepOrphans(Path parent) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path dir : dirs) {
                // A young directory may belong to a JVM that has not taken its locks yet.
                boolean young = Files.getLastModifiedTime(dir).toMillis() > System.currentTimeMillis() - 120_000;
                if (!young && !Embedded.stop(dir).running()) {
                    deleteTree(dir);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp directory is swept by the next run
        }
    }
}
