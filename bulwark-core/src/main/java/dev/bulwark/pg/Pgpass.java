package dev.bulwark.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a password from a libpq password file ({@code ~/.pgpass} or {@code PGPASSFILE}) by
 * libpq's rules, so Bulwark, psql and pg_dump agree on which password a connection uses:
 * lines {@code host:port:database:user:password}, {@code #} comments, {@code *} matches any
 * value of a field, {@code \:} and {@code \\} escape, the first matching line wins, and a file
 * that group or others may access is ignored with a warning.
 */
final class Pgpass {
    private static final Logger LOG = LoggerFactory.getLogger(Pgpass.class);

    private Pgpass() {
    }

    static Optional<String> lookup(Path file, String host, int port, String database, String user) {
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            LOG.warn("Ignoring password file {}: it is not a plain file", file);
            return Optional.empty();
        }
        if (isGroupOrWorldAccessible(file)) {
            // libpq ignores such a file too; using it here would make psql and pg_dump disagree with us.
            LOG.warn("Ignoring password file {}: group or others can access it (libpq ignores it too) — run chmod 600 {}",
                    file, file);
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Cannot read password file {}: {}", file, e.getMessage());
            return Optional.empty();
        }
        String[] wanted = {host, String.valueOf(port), database, user};
        for (String line : lines) {
            String entry = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            Optional<String> password = match(entry, wanted);
            if (password.isPresent()) {
                return password;
            }
        }
        return Optional.empty();
    }

    /** The password of {@code line} when its four fields match {@code wanted}, as libpq's passwordFromFile. */
    static Optional<String> match(String line, String[] wanted) {
        int position = 0;
        for (String value : wanted) {
            position = matchField(line, position, value == null ? "" : value);
            if (position < 0) {
                return Optional.empty();
            }
        }
        StringBuilder password = new StringBuilder();
        for (int i = position; i < line.length() && line.charAt(i) != ':'; i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
            }
            password.append(c);
        }
        return Optional.of(password.toString());
    }

    /** Index after the field's terminating colon, or -1 when the field does not match {@code value}. */
    private static int matchField(String line, int start, String value) {
        if (line.startsWith("*:", start)) {
            return start + 2;
        }
        int i = start;
        int v = 0;
        while (i < line.length() && line.charAt(i) != ':') {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
            }
            if (v >= value.length() || value.charAt(v) != c) {
                return -1;
            }
            i++;
            v++;
        }
        return i < line.length() && v == value.length() ? i + 1 : -1;
    }

    private static boolean isGroupOrWorldAccessible(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
        } catch (UnsupportedOperationException e) {
            return false; // Windows: libpq does not check either
        } catch (IOException e) {
            return false;
        }
    }
}
