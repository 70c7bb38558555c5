package dev.bulwark.pg;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Temporary until the pg branch lands. */
public final class ConnectionResolver {
    private ConnectionResolver() {
    }

    public static Optional<ConnectionSpec> resolve(String urlOption, Map<String, String> env, String configUrl, Path pgpassFile) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
