package dev.bulwark.pg;

import java.nio.file.Path;

/** Temporary until the pg branch lands. */
public record EmbeddedStatus(boolean running, Long pid, Integer port, Path dataDir, String version, boolean persistent) {
}
