package dev.bulwark.api;

import java.util.List;

/**
 * What {@link Bulwark#verify(VerifyOptions)} checks.
 *
 * @param schemas the schemas to check; empty for every non-system schema
 */
public record VerifyOptions(List<String> schemas) {
    public VerifyOptions {
        schemas = List.copyOf(schemas);
    }

    public static VerifyOptions defaults() {
        return new VerifyOptions(List.of());
    }
}
