package dev.bulwark.pg;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.embedded.EmbeddedException;
import dev.bulwark.embedded.EmbeddedServer;
import dev.bulwark.embedded.EmbeddedStatus;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Core's handle on the embedded server of {@code dev.bulwark:bulwark-embedded}, an optional
 * dependency of the library: every way in checks that the module is on the class path first and
 * otherwise throws a one-line {@link BulwarkException} naming it, never a NoClassDefFoundError;
 * the server's own {@link EmbeddedException}s become {@link BulwarkException}s (masked, same fix),
 * and its connections {@link ConnectionSpec}s.
 *
 * <p>Nothing here may make the JVM load a class of bulwark-embedded before {@link #requireOnClassPath()}
 * has passed: no {@code catch} of its exception (the verifier would load it with this class),
 * only {@code instanceof} after the fact. {@code EmbeddedWithoutBinariesTest} loads this class and
 * the API without the module to prove it.
 */
public final class Embedded implements AutoCloseable {
    // Compile-time constants: javac copies their values here, so using them loads nothing of bulwark-embedded.
    /** The project database every command uses by default. */
    public static final String DATABASE = EmbeddedServer.DATABASE;
    /** The superuser initdb creates; trusted on 127.0.0.1, no password. */
    public static final String SUPERUSER = EmbeddedServer.SUPERUSER;

    static final String[] REQUIRED = {
            "dev/bulwark/embedded/EmbeddedServer.class",
            "io/zonky/test/db/postgres/embedded/DefaultPostgresBinaryResolver.class",
            "org/tukaani/xz/XZInputStream.class"};

    private final EmbeddedServer server;

    private Embedded(EmbeddedServer server) {
        this.server = server;
    }

    /**
     * Fails with the dependency to add unless bulwark-embedded, zonky's resolver and the binaries'
     * decompressor are on the class path. Checked by resource name, so nothing of them is loaded.
     */
    public static void requireOnClassPath() {
        requireOnClassPath(Embedded.class.getClassLoader());
    }

    static void requireOnClassPath(ClassLoader loader) {
        for (String resource : REQUIRED) {
            if (loader.getResource(resource) == null) {
                throw new BulwarkException(ErrorCode.USAGE, "the embedded PostgreSQL is not on the class path",
                        "add the dependency dev.bulwark:bulwark-embedded (the CLI includes it), or give a database URL");
            }
        }
    }

    /** Starts the project's server if it is not running (or joins the running one); close when done. */
    public static Embedded open(Path projectDir) {
        requireOnClassPath();
        return new Embedded(call(() -> EmbeddedServer.open(projectDir)));
    }

    /** Starts the server (if needed) and marks it to keep running after Bulwark exits, for {@code db start}. */
    public static EmbeddedStatus startPersistent(Path projectDir) {
        requireOnClassPath();
        return call(() -> EmbeddedServer.startPersistent(projectDir));
    }

    /** Stops the server for {@code db stop}, or only unmarks it while other Bulwark processes use it. */
    public static EmbeddedStatus stop(Path projectDir) {
        requireOnClassPath();
        return call(() -> EmbeddedServer.stop(projectDir));
    }

    /** What is running, without starting or locking anything. */
    public static EmbeddedStatus status(Path projectDir) {
        requireOnClassPath();
        return call(() -> EmbeddedServer.status(projectDir));
    }

    /** The project database's URL for psql; the port is the running server's or the next one's. */
    public static String url(Path projectDir) {
        requireOnClassPath();
        return call(() -> EmbeddedServer.url(projectDir));
    }

    /** Connection to the project database {@code bulwark} on this server. */
    public ConnectionSpec connection() {
        return connection(DATABASE);
    }

    /** Connection to another database on this server, e.g. {@code postgres} to create databases. */
    public ConnectionSpec connection(String database) {
        server.requireOpen();
        return ConnectionSpec.of(EmbeddedServer.HOST, server.port(), database, SUPERUSER, null);
    }

    public int port() {
        return server.port();
    }

    /** The postmaster's process id. */
    public long pid() {
        return server.pid();
    }

    public Path dataDir() {
        return server.dataDir();
    }

    /** Unregisters; stops the server when this was the last user and it was not started with {@code db start}. */
    @Override
    public void close() {
        call(() -> {
            server.close();
            return null;
        });
    }

    @Override
    public String toString() {
        return server.toString();
    }

    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * An {@link EmbeddedException} as Bulwark's own exception; anything else unchanged. The cause is
     * passed as the declared {@code RuntimeException}: handing the {@code EmbeddedException}-typed
     * variable to a {@code Throwable} parameter would make the verifier load that class with this one.
     */
    static RuntimeException translate(RuntimeException e) {
        if (e instanceof EmbeddedException x) {
            ErrorCode code = x.kind() == EmbeddedException.Kind.USAGE ? ErrorCode.USAGE : ErrorCode.DATABASE;
            String fix = x.fix();
            return new BulwarkException(code, Masking.mask(e.getMessage()), fix == null ? null : Masking.mask(fix), e);
        }
        return e;
    }
}
