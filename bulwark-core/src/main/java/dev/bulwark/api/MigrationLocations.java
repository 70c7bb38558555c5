package dev.bulwark.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Gathers the migrations of {@code classpath:} and {@code filesystem:} locations into one
 * directory the readers can walk. A single filesystem location is used in place; anything else
 * is copied into a temporary directory (deleted by {@link Gathered#close()}), keeping each
 * file's path below its location. Classpath locations are read through the class loader: from
 * directories, from jars, and from Spring Boot's nested jars (whose {@code jar:nested:} URLs
 * open as {@link JarURLConnection}s).
 */
final class MigrationLocations {
    static final String CLASSPATH = "classpath:";
    static final String FILESYSTEM = "filesystem:";

    private MigrationLocations() {
    }

    /** The gathered directory and, for each relative path in it, the location-qualified name to show. */
    record Gathered(Path directory, Map<String, String> origins, boolean temporary) implements AutoCloseable {
        String origin(Path file) {
            if (file == null) {
                return null;
            }
            Path abs = file.toAbsolutePath().normalize();
            if (!abs.startsWith(directory)) {
                return file.toString();
            }
            String rel = directory.relativize(abs).toString().replace('\\', '/');
            return origins.getOrDefault(rel, temporary ? rel : abs.toString());
        }

        @Override
        public void close() {
            if (temporary) {
                deleteTree(directory);
            }
        }
    }

    static void validate(List<String> locations) {
        if (locations.isEmpty()) {
            throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, "locations cannot be empty",
                    "give at least one, e.g. \"classpath:db/migration\" or \"filesystem:migrations\"");
        }
        for (String l : locations) {
            if (l == null || l.isBlank()) {
                throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, "locations: an entry is empty",
                        "remove it, or name a folder such as \"classpath:db/migration\"");
            }
            int colon = l.indexOf(':');
            if (colon > 1 && !l.startsWith(CLASSPATH) && !l.startsWith(FILESYSTEM)) {
                throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, "locations: unknown prefix '" + l.substring(0, colon + 1)
                        + "' in '" + l + "'", "use classpath:<path> or filesystem:<path> (no prefix means filesystem)");
            }
            if (path(l).isEmpty()) {
                throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION, "locations: '" + l + "' names no folder",
                        "add the folder, e.g. \"" + l + "db/migration\"");
            }
        }
    }

    private static String path(String location) {
        String p = location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length())
                : location.startsWith(FILESYSTEM) ? location.substring(FILESYSTEM.length()) : location;
        return p.strip();
    }

    static Gathered gather(List<String> locations, Path baseDir, ClassLoader loader) {
        if (locations.size() == 1 && !locations.get(0).startsWith(CLASSPATH)) {
            Path dir = baseDir.resolve(path(locations.get(0))).toAbsolutePath().normalize();
            requireDirectory(dir, locations.get(0));
            return new Gathered(dir, Map.of(), false);
        }
        Path tmp;
        try {
            tmp = Files.createTempDirectory("bulwark-migrations-").toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new BulwarkFailure(BulwarkFailure.Kind.OTHER, "cannot create a temporary directory for the migrations: " + e.getMessage(),
                    "check java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ") is writable", e);
        }
        Map<String, String> origins = new LinkedHashMap<>();
        try {
            for (String location : locations) {
                if (location.startsWith(CLASSPATH)) {
                    copyClasspath(location, loader, tmp, origins);
                } else {
                    Path dir = baseDir.resolve(path(location)).toAbsolutePath().normalize();
                    requireDirectory(dir, location);
                    copyDirectory(dir, location, tmp, origins);
                }
            }
        } catch (RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        return new Gathered(tmp, origins, true);
    }

    private static void requireDirectory(Path dir, String location) {
        if (!Files.isDirectory(dir)) {
            throw new BulwarkFailure(BulwarkFailure.Kind.MIGRATIONS, "location '" + location + "': " + dir + " is not a directory",
                    "create it, or point locations at the folder holding the migrations");
        }
    }

    private static void copyDirectory(Path dir, String location, Path into, Map<String, String> origins) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                try (InputStream in = Files.newInputStream(f)) {
                    put(in, rel, location, into, origins);
                }
            }
        } catch (IOException e) {
            throw unreadable(location, e);
        }
    }

    private static void copyClasspath(String location, ClassLoader loader, Path into, Map<String, String> origins) {
        String resource = path(location);
        while (resource.startsWith("/")) {
            resource = resource.substring(1);
        }
        while (resource.endsWith("/")) {
            resource = resource.substring(0, resource.length() - 1);
        }
        List<URL> urls;
        try {
            urls = Collections.list(loader.getResources(resource));
        } catch (IOException e) {
            throw unreadable(location, e);
        }
        if (urls.isEmpty()) {
            throw new BulwarkFailure(BulwarkFailure.Kind.MIGRATIONS, "location '" + location + "': no such folder on the classpath",
                    "put the migrations under src/main/resources/" + resource + " or fix the location");
        }
        for (URL url : urls) {
            try {
                if ("file".equals(url.getProtocol())) {
                    copyDirectory(Path.of(url.toURI()), location, into, origins);
                    continue;
                }
                URLConnection connection = url.openConnection();
                if (!(connection instanceof JarURLConnection jar)) {
                    throw new BulwarkFailure(BulwarkFailure.Kind.MIGRATIONS, "location '" + location + "': cannot list " + url
                            + " (protocol " + url.getProtocol() + ")", "package the migrations in a jar or a directory");
                }
                copyJar(jar, location, into, origins);
            } catch (IOException | URISyntaxException e) {
                throw unreadable(location, e);
            }
        }
    }

    private static void copyJar(JarURLConnection connection, String location, Path into, Map<String, String> origins) throws IOException {
        JarFile jar = connection.getJarFile();
        try {
            String entryName = connection.getEntryName();
            String prefix = entryName == null ? "" : (entryName.endsWith("/") ? entryName : entryName + "/");
            List<JarEntry> entries = new ArrayList<>();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                    entries.add(entry);
                }
            }
            entries.sort(Comparator.comparing(JarEntry::getName));
            for (JarEntry entry : entries) {
                try (InputStream in = jar.getInputStream(entry)) {
                    put(in, entry.getName().substring(prefix.length()), location, into, origins);
                }
            }
        } finally {
            if (!connection.getUseCaches()) {
                jar.close();
            }
        }
    }

    private static void put(InputStream in, String rel, String location, Path into, Map<String, String> origins) throws IOException {
        Path target = into.resolve(rel).normalize();
        if (!target.startsWith(into)) {
            throw new BulwarkFailure(BulwarkFailure.Kind.MIGRATIONS, "location '" + location + "': entry '" + rel + "' points outside its folder",
                    "rename the entry");
        }
        String origin = location.endsWith("/") ? location + rel : location + "/" + rel;
        String earlier = origins.putIfAbsent(rel, origin);
        if (earlier != null) {
            throw new BulwarkFailure(BulwarkFailure.Kind.MIGRATIONS, "two migrations with the same name: " + earlier + " and " + origin,
                    "rename one, or drop one of the locations");
        }
        Files.createDirectories(target.getParent());
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static BulwarkFailure unreadable(String location, Exception e) {
        return new BulwarkFailure(BulwarkFailure.Kind.MIGRATIONS, "location '" + location + "' cannot be read: " + e.getMessage(),
                "check the folder or jar exists and is readable", e);
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }
}
