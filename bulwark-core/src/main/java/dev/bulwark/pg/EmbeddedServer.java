package dev.bulwark.pg;

import java.nio.file.Path;

/**
 * API placeholder (lands on the {@code pg} branch): the embedded PostgreSQL whose data lives in
 * {@code <project>/.bulwark/pgdata}.
 */
public final class EmbeddedServer implements AutoCloseable {

    /** Starts the server if it is not running (or joins the running one) and registers this process as a user. */
    public static EmbeddedServer open(Path projectDir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    public static EmbeddedStatus startPersistent(Path projectDir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    public static boolean stop(Path projectDir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    public static EmbeddedStatus status(Path projectDir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    public static String url(Path projectDir) {
        throw new UnsupportedOperationException("not yet merged");
    }

    /** Connection to the project database {@code bulwark} on this server. */
    public ConnectionSpec connection() {
        throw new UnsupportedOperationException("not yet merged");
    }

    /** Unregisters; stops the server when this was the last user and it was not started with {@code db start}. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet merged");
    }
}
