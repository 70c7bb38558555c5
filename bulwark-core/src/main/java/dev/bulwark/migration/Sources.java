package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What every reader does the same way: listing a directory, naming rules, duplicate checks. */
final class Sources {
    private Sources() {
    }

    static void requireDirectory(Path dir) {
        if (!Files.exists(dir)) {
            throw BulwarkException.usage("migration directory " + dir + " does not exist",
                    "run `bulwark init` to create it, or name the folder that holds your migrations (PATH for lint and audit, --dir for the other commands, or [migrations] dir in bulwark.toml)");
        }
        if (!Files.isDirectory(dir)) {
            throw BulwarkException.usage(dir + " is a file, not a migration directory",
                    "name the folder that holds the migration files (PATH for lint and audit, --dir for the other commands, or [migrations] dir in bulwark.toml)");
        }
    }

    /**
     * The entries of a directory, sorted by name so errors and order are the same on every file
     * system; hidden entries (editor swap files, {@code .DS_Store}, {@code .git}) are skipped.
     */
    static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(),
                    "check that the directory is readable");
        }
    }

    static boolean isSqlFile(Path p) {
        return p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p);
    }

    static String name(Path p) {
        return p.getFileName().toString();
    }

    /** A migration's human name from the name part of its file: underscores become spaces. */
    static String description(String name) {
        return name.replace('_', ' ');
    }

    /**
     * Where a file's section markers are, validated: exactly one up marker, at most one down
     * marker, the up before the down. Shared by the layouts that keep both directions in one file.
     *
     * @param ups   1-based lines of the up markers found
     * @param downs 1-based lines of the down markers found
     * @return {up line, down line or 0}
     */
    static int[] sections(Path file, List<Integer> ups, List<Integer> downs, String upMarker, String downMarker,
                          String tool) {
        if (ups.isEmpty()) {
            throw BulwarkException.usage(file + " has no " + upMarker + " line",
                    "put " + upMarker + " on the line above the SQL that applies the migration (and " + downMarker
                            + " above the SQL that reverts it)" + tool);
        }
        if (ups.size() > 1) {
            throw BulwarkException.usage(file + ":" + ups.get(1) + ": a second " + upMarker + " (the first is on line "
                    + ups.get(0) + ")", "keep one " + upMarker + "; a file holds one migration");
        }
        if (downs.size() > 1) {
            throw BulwarkException.usage(file + ":" + downs.get(1) + ": a second " + downMarker
                    + " (the first is on line " + downs.get(0) + ")", "keep one " + downMarker + "; a file holds one migration");
        }
        int up = ups.get(0);
        int down = downs.isEmpty() ? 0 : downs.get(0);
        if (down != 0 && down < up) {
            throw BulwarkException.usage(file + ":" + down + ": " + downMarker + " comes before " + upMarker
                    + " (line " + up + ")", "put the up section first, then the down section" + tool);
        }
        return new int[] {up, down};
    }

    /**
     * Evidence for detection: what {@code saying} says of the first entry of {@code dir} that
     * {@code shows} the layout; empty when {@code dir} is not a directory or nothing shows it.
     */
    static java.util.Optional<String> firstEvidence(Path dir, java.util.function.Predicate<Path> shows,
                                                    java.util.function.Function<Path, String> saying) {
        if (!Files.isDirectory(dir)) {
            return java.util.Optional.empty();
        }
        return list(dir).stream().filter(shows).findFirst().map(saying);
    }

    /** The first .sql file in {@code dir} whose text matches {@code marker}, as evidence for detection. */
    static java.util.Optional<String> firstWithMarker(Path dir, java.util.regex.Pattern marker, String saying) {
        return firstEvidence(dir, p -> isSqlFile(p) && marker.matcher(peek(p)).find(), p -> name(p) + " has " + saying);
    }

    /**
     * The name of an entry of a one-file-per-migration layout, matched against {@code file}; null
     * (after reporting it) for a migration written in code ({@code code} matches its name) or an
     * .sql file named otherwise, and null for anything else that is not an .sql file.
     */
    static java.util.regex.Matcher sqlNamed(Path p, java.util.function.Predicate<String> code, String language,
                                            java.util.regex.Pattern file, MigrationFormat format, String expected,
                                            java.util.function.Consumer<LayoutProblem> problems) {
        String name = name(p);
        if (code.test(name) && Files.isRegularFile(p)) {
            problems.accept(code(p, language, format));
            return null;
        }
        if (!isSqlFile(p)) {
            return null;
        }
        java.util.regex.Matcher m = file.matcher(name);
        if (!m.matches()) {
            problems.accept(misnamedProblem(p, format, expected));
            return null;
        }
        return m;
    }

    private static final java.math.BigInteger BIGINT_MAX = java.math.BigInteger.valueOf(Long.MAX_VALUE);

    /** Reports a version too large for the tool's bigint history column; false then. */
    static boolean fitsBigint(Path p, String version, String tool, String column, java.util.function.Consumer<LayoutProblem> problems) {
        if (new java.math.BigInteger(version).compareTo(BIGINT_MAX) <= 0) {
            return true;
        }
        problems.accept(LayoutProblem.layout(p, "has version " + version + ", larger than " + tool + " can record in its bigint "
                + column + " column (" + BIGINT_MAX + ")", "renumber the migration with a smaller version"));
        return false;
    }

    /** Runs a lenient read and throws its first problem: {@link MigrationReader#read(Path)} for a reader that reads leniently. */
    static List<Migration> strict(java.util.function.Function<java.util.function.Consumer<LayoutProblem>, List<Migration>> read) {
        List<LayoutProblem> problems = new java.util.ArrayList<>();
        List<Migration> out = read.apply(problems::add);
        if (!problems.isEmpty()) {
            LayoutProblem p = problems.get(0);
            throw BulwarkException.usage(p.file() + " " + p.reason(), p.fix());
        }
        return out;
    }

    /** Reads every .sql file of a one-file-per-migration layout named {@code file}: (version)_(name).sql. */
    static List<Migration> readNamed(Path dir, java.util.regex.Pattern file, MigrationFormat format, String expected,
                                     java.util.function.BiFunction<Path, java.util.regex.Matcher, Migration> read,
                                     java.util.function.Consumer<LayoutProblem> problems) {
        requireDirectory(dir);
        List<Migration> out = new java.util.ArrayList<>();
        for (Path p : list(dir)) {
            java.util.regex.Matcher m = sqlNamed(p, n -> false, null, file, format, expected, problems);
            if (m != null) {
                out.add(read.apply(p, m));
            }
        }
        return checkUnique(out, problems);
    }

    static List<Migration> checkUnique(List<Migration> migrations) {
        Map<MigrationVersion, Migration> versions = new HashMap<>();
        Map<String, Migration> repeatables = new HashMap<>();
        for (Migration m : migrations) {
            if (m.kind() == MigrationKind.VERSIONED) {
                Migration other = versions.putIfAbsent(m.version(), m);
                if (other != null) {
                    throw duplicate("version " + m.version(), other.location(), m.location(),
                            "give one of them another version; if one is already applied, renumber the other");
                }
            } else {
                Migration other = repeatables.putIfAbsent(m.description(), m);
                if (other != null) {
                    throw duplicate("description '" + m.description() + "'", other.location(), m.location(),
                            "rename one of them: a repeatable migration is known by its description");
                }
            }
        }
        return migrations;
    }

    /**
     * Like {@link #checkUnique(List)}, but each clash goes to {@code problems} (kept in the list, so
     * both files are still linted and the duplicate-version rule names them).
     */
    static List<Migration> checkUnique(List<Migration> migrations, java.util.function.Consumer<LayoutProblem> problems) {
        Map<MigrationVersion, Migration> versions = new HashMap<>();
        Map<String, Migration> repeatables = new HashMap<>();
        for (Migration m : migrations) {
            if (m.kind() == MigrationKind.VERSIONED) {
                Migration other = versions.putIfAbsent(m.version(), m);
                if (other != null) {
                    problems.accept(new LayoutProblem(m.location(), "has version " + m.version() + ", as "
                            + other.location().getFileName() + " does, so " + m.format().id() + " refuses the folder",
                            "give one of them another version; if one is already applied, renumber the other",
                            LayoutProblem.DUPLICATE));
                }
            } else {
                Migration other = repeatables.putIfAbsent(m.description(), m);
                if (other != null) {
                    problems.accept(new LayoutProblem(m.location(), "has description '" + m.description() + "', as "
                            + other.location().getFileName() + " does, so " + m.format().id()
                            + " refuses the folder",
                            "rename one of them: a repeatable migration is known by its description",
                            LayoutProblem.DUPLICATE));
                }
            }
        }
        return migrations;
    }

    /** A migration written in code, which Bulwark cannot read: reported, never silently skipped. */
    static LayoutProblem code(Path file, String language, MigrationFormat format) {
        return LayoutProblem.layout(file, "is a " + format.id() + " migration written in " + language
                        + ": Bulwark cannot read its statements, so they are not linted, rehearsed or audited",
                "review it by hand (or rewrite it as SQL), and keep it out of the folder Bulwark applies");
    }

    static LayoutProblem misnamedProblem(Path file, MigrationFormat format, String expected) {
        return LayoutProblem.layout(file, "is not named as a " + format.id() + " migration: expected " + expected,
                "rename it, or move it out of the migration directory if it is not a migration");
    }

    static BulwarkException duplicate(String what, Path first, Path second, String fix) {
        Path[] both = Stream.of(first, second).sorted().toArray(Path[]::new);
        return BulwarkException.usage("two migrations have " + what + ": " + both[0] + " and " + both[1], fix);
    }

    /**
     * Rejects SQL above a file's first section marker: it belongs to neither direction, so it
     * would silently never run. Blank lines and comments (line and block) are fine there.
     */
    static void checkNothingBefore(SourceFile file, int markerLine, String marker) {
        boolean inBlockComment = false;
        for (int n = 1; n < markerLine; n++) {
            String line = file.line(n).strip();
            if (inBlockComment) {
                inBlockComment = !line.contains("*/");
                continue;
            }
            if (line.isEmpty() || line.startsWith("--")) {
                continue;
            }
            if (line.startsWith("/*")) {
                inBlockComment = !line.substring(2).contains("*/");
                continue;
            }
            throw BulwarkException.usage(
                    file.path() + ":" + n + ": SQL above '" + marker + "' belongs to neither up nor down and would never run",
                    "move it below '" + marker + "', or delete it");
        }
    }

    /** Reads a file leniently, for detection only: any byte sequence decodes, nothing throws. */
    static String peek(Path file) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** A library's message made fit for a one-line error. */
    static String oneLine(String message) {
        return message == null ? "unreadable" : message.strip().replaceAll("\\s+", " ");
    }
}
