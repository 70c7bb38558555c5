package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One migration as resolved from the files, in any format.
 *
 * @param version     ordering key; for repeatable migrations, null
 * @param description human name, from the file name (underscores become spaces)
 * @param kind        versioned or repeatable
 * @param format      the tool layout it was read from
 * @param location    the file (or, for Prisma, the migration folder) it came from
 * @param up          the SQL that applies it
 * @param down        the SQL that reverts it, or null when the migration has none
 * @param options     directives found in the file
 * @param rawFile     the bytes of the file exactly as read (decoded as UTF-8), which the other
 *                    tools' checksums (Flyway CRC32, Prisma and Drizzle SHA-256) are computed over
 * @param toolName    the name the migration's own tool records in its history table
 *                    (Prisma: folder name; Drizzle: tag; Flyway: script file name; others: version)
 * @param toolData    facts the migration's own tool needs that the fields above do not carry, keyed
 *                    {@code <format>.<name>} (Drizzle's journal {@code when}, for instance); see the
 *                    constants of each reader. Never null; empty for most formats.
 */
public record Migration(
        MigrationVersion version,
        String description,
        MigrationKind kind,
        MigrationFormat format,
        Path location,
        Script up,
        Script down,
        MigrationOptions options,
        String rawFile,
        String toolName,
        Map<String, String> toolData) {

    public Migration {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(rawFile, "rawFile");
        Objects.requireNonNull(toolName, "toolName");
        toolData = toolData == null ? Map.of() : Map.copyOf(toolData);
        if (kind == MigrationKind.VERSIONED && version == null) {
            throw new IllegalArgumentException("a versioned migration needs a version: " + location);
        }
    }

    /** A migration without tool data: what every format but Drizzle, Prisma and dbmate needs. */
    public Migration(
            MigrationVersion version,
            String description,
            MigrationKind kind,
            MigrationFormat format,
            Path location,
            Script up,
            Script down,
            MigrationOptions options,
            String rawFile,
            String toolName) {
        this(version, description, kind, format, location, up, down, options, rawFile, toolName, Map.of());
    }

    public boolean hasDown() {
        return down != null;
    }

    /** The key shown to users and stored in {@code bulwark_history.version}: the version, or the description for repeatables. */
    public String id() {
        return version != null ? version.toString() : description;
    }
}
