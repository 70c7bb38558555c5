package dev.bulwark.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Catalog queries kept as {@code .sql} resources next to the classes that run them. */
public final class SqlResource {
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private SqlResource() {
    }

    /** The text of {@code name} (e.g. {@code "tables.sql"}) in {@code owner}'s package. */
    public static String load(Class<?> owner, String name) {
        String path = "/" + owner.getPackageName().replace('.', '/') + "/" + name;
        return CACHE.computeIfAbsent(path, p -> {
            try (InputStream in = owner.getResourceAsStream(p)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + p + " (a packaging bug)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
