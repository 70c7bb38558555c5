package dev.bulwark.embedded;

import java.nio.file.Path;

/**
 * What {@code bulwark db status} shows about a project's embedded server.
 *
 * @param running    a postmaster is alive and answers on {@code port}
 * @param pid        the postmaster's process id, or 0 when not running
 * @param port       the port it listens on, or the port it will try next; 0 before the first start
 * @param dataDir    {@code <project>/.bulwark/pgdata}
 * @param version    the PostgreSQL release of the embedded binaries, e.g. {@code 15.15}
 * @param persistent started with {@code db start}: it keeps running until {@code db stop}
 */
public record EmbeddedStatus(boolean running, long pid, int port, Path dataDir, String version, boolean persistent) {
}
