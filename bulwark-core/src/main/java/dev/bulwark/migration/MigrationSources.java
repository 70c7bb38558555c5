package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The entry point for reading a migration directory: detects which tool's layout it holds (or
 * takes the user's {@code --migration-format}) and reads it with that tool's {@link MigrationReader}.
 */
public final class MigrationSources {
    private static final List<MigrationReader> READERS = List.of(
            new BulwarkReader(),
            new FlywayReader(),
            new GolangMigrateReader(),
            new DbmateReader(),
            new PrismaReader(),
            new DrizzleReader(),
            new AlembicReader());

    private static final String FORMATS = READERS.stream().map(r -> r.format().id()).collect(Collectors.joining(", "));

    private MigrationSources() {
    }

    /** One reader per supported format. */
    public static List<MigrationReader> readers() {
        return READERS;
    }

    public static MigrationReader reader(MigrationFormat format) {
        return READERS.stream()
                .filter(r -> r.format() == format)
                .findFirst()
                .orElseThrow(() -> BulwarkException.usage(
                        "reading " + format.id() + " migrations is not supported yet",
                        "use one of " + FORMATS + " for --migration-format"));
    }

    /**
     * The format of the migrations in {@code dir}.
     *
     * @throws BulwarkException (USAGE) when the directory is missing, holds no recognizable
     *                          migrations, or looks like more than one layout
     */
    public static MigrationFormat detect(Path dir) {
        return detectIfAny(dir).orElseThrow(() -> nothingRecognized(dir));
    }

    /**
     * Like {@link #detect}, but empty when nothing in {@code dir} is a migration of any layout,
     * for callers that have a default ({@code bulwark new} in a fresh directory).
     */
    public static Optional<MigrationFormat> detectIfAny(Path dir) {
        Sources.requireDirectory(dir);
        Map<MigrationFormat, String> found = new LinkedHashMap<>();
        for (MigrationReader r : READERS) {
            r.evidence(dir).ifPresent(e -> found.put(r.format(), e));
        }
        if (found.size() > 1) {
            String what = found.entrySet().stream()
                    .map(e -> e.getKey().id() + " (" + e.getValue() + ")")
                    .collect(Collectors.joining(", "));
            String choices = found.keySet().stream()
                    .map(f -> "--migration-format " + f.id())
                    .collect(Collectors.joining(" or "));
            throw BulwarkException.usage(dir + " looks like more than one migration layout: " + what,
                    "say which with " + choices + " (or format in bulwark.toml), or keep each tool's files in"
                            + " its own directory");
        }
        return found.keySet().stream().findFirst();
    }

    /**
     * Every migration in {@code dir}, in apply order.
     *
     * @param formatOrNull the layout to read, or null to detect it
     */
    public static MigrationSet read(Path dir, MigrationFormat formatOrNull) {
        MigrationFormat format = formatOrNull != null ? formatOrNull : detect(dir);
        return new MigrationSet(dir, format, reader(format).read(dir));
    }

    private static BulwarkException nothingRecognized(Path dir) {
        List<Path> entries = Sources.list(dir);
        String fix = "name the files as one of " + FORMATS + " expects, or say which layout with --migration-format <format>";
        if (entries.isEmpty()) {
            return BulwarkException.usage("no migrations in " + dir + ": the directory is empty",
                    "create one with `bulwark new <name>`, or say which layout it will hold with --migration-format <format>");
        }
        List<String> sql = entries.stream().filter(Sources::isSqlFile).map(Sources::name).toList();
        String what = sql.isEmpty()
                ? "no .sql files, only " + sample(entries.stream().map(Sources::name).toList())
                : sql.size() + " .sql file" + (sql.size() == 1 ? "" : "s") + " (" + sample(sql) + ") named as no"
                        + " known layout";
        return BulwarkException.usage("no migrations recognized in " + dir + ": found " + what, fix);
    }

    private static String sample(List<String> names) {
        String shown = names.stream().limit(3).collect(Collectors.joining(", "));
        return names.size() > 3 ? shown + ", …" : shown;
    }
}
