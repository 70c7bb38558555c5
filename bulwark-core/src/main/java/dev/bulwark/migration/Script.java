package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One direction (up or down) of a migration: its SQL text and where that text starts in its
 * file, so statement positions reported later are positions in the real file.
 *
 * @param sql       the SQL of this section only (for single-section files, the whole file)
 * @param file      the file the SQL was read from
 * @param firstLine 1-based line in {@code file} where {@code sql} starts
 */
public record Script(String sql, Path file, int firstLine) {
    public Script {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(file, "file");
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine must be >= 1, was " + firstLine);
        }
    }

    /** True when the section has no SQL at all (only whitespace and comments count as empty here too). */
    public boolean isBlank() {
        return dev.bulwark.sql.SqlText.isBlank(sql);
    }

    /** SHA-256 (hex) of the SQL text, as recorded in {@code bulwark_history}. */
    public String sha256() {
        return Checksums.sha256Hex(sql);
    }
}
