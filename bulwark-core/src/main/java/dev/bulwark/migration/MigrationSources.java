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
            new AlembicReader(),
            new DieselReader(),
            new GooseReader(),
            new LiquibaseReader());

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
        MigrationSet set = readLenient(dir, formatOrNull);
        List<LayoutProblem> problems = set.problems();
        if (problems.size() == 1) {
            LayoutProblem p = problems.get(0);
            throw BulwarkException.usage(p.file() + " " + p.reason(), p.fix());
        }
        if (!problems.isEmpty()) {
            String each = java.util.stream.IntStream.range(0, problems.size())
                    .mapToObj(i -> "(" + (i + 1) + ") " + problems.get(i).file() + " " + problems.get(i).reason())
                    .collect(Collectors.joining("; "));
            String fixes = problems.stream().map(LayoutProblem::fix).distinct().collect(Collectors.joining("; "));
            throw BulwarkException.usage(problems.size() + " problems in " + dir + ", nothing was applied: " + each,
                    fixes + " (`bulwark lint` lists them with the rest of its findings)");
        }
        return set;
    }

    /**
     * Every migration in {@code dir} that can be read, in apply order, with the layout problems met
     * on the way: for {@code lint} and {@code audit}, which report the problems and check the rest.
     * Still throws for what leaves nothing to read (a missing folder, no recognizable layout).
     *
     * @param formatOrNull the layout to read, or null to detect it
     */
    public static MigrationSet readLenient(Path dir, MigrationFormat formatOrNull) {
        FolderSwap.recover(dir); // a bulwark plan --write a kill interrupted: the old set or the new, never half of each
        MigrationFormat format = formatOrNull != null ? formatOrNull : detect(dir);
        List<LayoutProblem> problems = new java.util.ArrayList<>();
        List<Migration> migrations = reader(format).read(dir, problems::add);
        return new MigrationSet(dir, format, migrations, problems);
    }

    /**
     * Refuses a folder that was named explicitly (a path or {@code --migration-format}) but yields no
     * migration: linting it would report "no findings" having checked nothing.
     *
     * @throws BulwarkException (USAGE) naming the layout looked for and what the folder holds
     */
    public static MigrationSet requireSome(MigrationSet set) {
        if (!set.migrations().isEmpty()) {
            return set;
        }
        Path dir = set.directory();
        String expected = expected(set.format());
        List<Path> entries = Sources.list(dir);
        String holds = entries.isEmpty() ? "the folder is empty" : "the folder holds " + contents(entries);
        throw BulwarkException.usage("no " + set.format().id() + " migrations in " + dir + ": looked for "
                        + expected + "; " + holds,
                "name the files as " + set.format().id() + " expects, or name the layout they are in with"
                        + " --migration-format <" + FORMATS.replace(", ", "|") + "> (leave it out to detect it)");
    }

    private static String expected(MigrationFormat format) {
        return switch (format) {
            case BULWARK -> BulwarkReader.EXPECTED;
            case FLYWAY -> FlywayReader.EXPECTED;
            case GOLANG_MIGRATE -> GolangMigrateReader.EXPECTED;
            case DBMATE -> DbmateReader.EXPECTED;
            case PRISMA -> PrismaReader.EXPECTED;
            case DRIZZLE -> "meta/_journal.json listing <idx>_<tag>.sql files";
            case ALEMBIC -> "versions/<revision>_<name>.py with alembic.ini or env.py";
            case DIESEL -> DieselReader.EXPECTED;
            case GOOSE -> GooseReader.EXPECTED;
            case LIQUIBASE -> LiquibaseReader.EXPECTED;
            default -> format.id() + " migration files";
        };
    }

    /** Counts of the entries by extension, most first, each with the first few names. */
    static String contents(List<Path> entries) {
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (Path p : entries) {
            String name = Sources.name(p);
            int dot = name.lastIndexOf('.');
            String kind = Files.isDirectory(p) ? "folder" : dot > 0 ? name.substring(dot) : "file without extension";
            byKind.computeIfAbsent(kind, k -> new java.util.ArrayList<>()).add(name);
        }
        return byKind.entrySet().stream()
                .sorted((a, b) -> b.getValue().size() - a.getValue().size())
                .map(e -> {
                    int n = e.getValue().size();
                    String kind = e.getKey();
                    String label = kind.startsWith(".") ? kind + " file" : kind;
                    if (n != 1) {
                        label = kind.startsWith(".") ? kind + " files" : kind.equals("folder") ? "folders" : "files without extension";
                    }
                    return n + " " + label + " (" + sample(e.getValue()) + ")";
                })
                .collect(Collectors.joining(", "));
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
