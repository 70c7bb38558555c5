package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flyway's SQL layout with its default naming: {@code V<version>__<description>.sql} (versioned),
 * {@code U<version>__<description>.sql} (the undo of that version, which becomes its down),
 * {@code R__<description>.sql} (repeatable). Like Flyway, the directory is searched recursively.
 * SQL callbacks ({@code afterMigrate.sql}, {@code beforeEachMigrate__x.sql}, …) and Java or Kotlin
 * migrations are layout problems: Bulwark does not run them, so lint reports them and migrate refuses.
 */
public final class FlywayReader implements LenientReader {
    static final Pattern VERSIONED = Pattern.compile("^([VU])(\\d+(?:[._]\\d+)*)__(.*)\\.sql$");
    private static final Pattern REPEATABLE = Pattern.compile("^R__(.*)\\.sql$");
    /** Flyway's callback events all start with before/after, except createSchema. */
    private static final Pattern CALLBACK =
            Pattern.compile("^(?:(?:before|after)[A-Z][A-Za-z]*|createSchema)(?:__.*)?\\.sql$");
    static final String EXPECTED = "V<version>__<description>.sql, U<version>__<description>.sql"
            + " or R__<description>.sql, the version in digits separated by . or _";

    @Override
    public MigrationFormat format() {
        return MigrationFormat.FLYWAY;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try {
            return sqlFiles(dir).stream()
                    .filter(p -> VERSIONED.matcher(Sources.name(p)).matches()
                            || REPEATABLE.matcher(Sources.name(p)).matches())
                    .findFirst()
                    .map(p -> scriptName(dir, p));
        } catch (BulwarkException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Migration> read(Path dir, java.util.function.Consumer<LayoutProblem> problems) {
        Sources.requireDirectory(dir);
        for (Path p : codeFiles(dir)) {
            problems.accept(Sources.code(p, p.getFileName().toString().endsWith(".kt") ? "Kotlin" : "Java", format()));
        }
        Map<Path, Matcher> versioned = new LinkedHashMap<>();
        Map<MigrationVersion, Path> undos = new LinkedHashMap<>();
        List<Migration> out = new ArrayList<>();
        for (Path p : sqlFiles(dir)) {
            String name = Sources.name(p);
            Matcher v = VERSIONED.matcher(name);
            Matcher r = REPEATABLE.matcher(name);
            if (v.matches()) {
                if (v.group(1).equals("V")) {
                    versioned.put(p, v);
                } else {
                    Path other = undos.putIfAbsent(version(v), p);
                    if (other != null) {
                        problems.accept(LayoutProblem.layout(p, "undoes version " + version(v) + ", as "
                                + other.getFileName() + " does", "keep one undo file per version"));
                    }
                }
            } else if (r.matches()) {
                SourceFile file = SourceFile.read(p);
                MigrationOptions options = Directives.options(file, 1, file.lineCount() + 1,
                        MigrationOptions.DEFAULT, format());
                out.add(new Migration(null, Sources.description(r.group(1)), MigrationKind.REPEATABLE, format(), p,
                        file.wholeScript(), null, options, file.text(), scriptName(dir, p)));
            } else if (CALLBACK.matcher(name).matches()) {
                problems.accept(callback(p));
            } else {
                problems.accept(Sources.misnamedProblem(p, format(), EXPECTED));
            }
        }
        for (Map.Entry<Path, Matcher> e : versioned.entrySet()) {
            Path p = e.getKey();
            MigrationVersion version = version(e.getValue());
            SourceFile file = SourceFile.read(p);
            MigrationOptions options = Directives.options(file, 1, file.lineCount() + 1,
                    MigrationOptions.DEFAULT, format());
            Script down = null;
            Path undo = undos.remove(version);
            if (undo != null) {
                SourceFile undoFile = SourceFile.read(undo);
                Directives.checkDown(undoFile, 1, undoFile.lineCount() + 1, format());
                down = undoFile.wholeScript();
            }
            out.add(new Migration(version, Sources.description(e.getValue().group(3)), MigrationKind.VERSIONED,
                    format(), p, file.wholeScript(), down, options, file.text(), scriptName(dir, p)));
        }
        Sources.checkUnique(out, problems);
        for (Map.Entry<MigrationVersion, Path> orphan : undos.entrySet()) {
            problems.accept(LayoutProblem.layout(orphan.getValue(),
                    "undoes version " + orphan.getKey() + ", but there is no V" + orphan.getKey() + "__<description>.sql",
                    "add the versioned migration it undoes, or delete the undo file"));
        }
        return out;
    }

    /**
     * Flyway runs an SQL callback at its event (before every migration, after the run, …); Bulwark
     * does not: lint still reads the other files, migrate refuses rather than skip what the
     * callback does.
     */
    static LayoutProblem callback(Path p) {
        String event = Sources.name(p).replaceFirst("(__.*)?\\.sql$", "");
        return LayoutProblem.layout(p, "is a Flyway callback (" + event + "), which Bulwark does not run: migrating with Bulwark"
                        + " would skip what it does",
                "move what it does into a versioned migration (or, for session settings, into bulwark.toml), and the file out of"
                        + " the migration folder; or keep migrating this folder with Flyway");
    }

    /** Flyway writes a version's underscores as dots ({@code V1_1} is version 1.1). */
    private static MigrationVersion version(Matcher m) {
        return MigrationVersion.of(m.group(2).replace('_', '.'));
    }

    /** What Flyway records in {@code flyway_schema_history.script}: the path below the location, with '/'. */
    private static String scriptName(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Java or Kotlin migrations ({@code V2__Backfill.java}) beside the SQL ones: Flyway runs them, Bulwark cannot read them. */
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("^[VUR][^_]*__.+\\.(java|kt|class)$");

    private static List<Path> codeFiles(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> CODE.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    static List<Path> sqlFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        try {
            // links followed as Files.isRegularFile does for the other layouts; loops end in visitFileFailed
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    boolean hidden = !d.equals(dir) && d.getFileName().toString().startsWith(".");
                    return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String name = f.getFileName().toString();
                    if (attrs.isRegularFile() && name.endsWith(".sql") && !name.startsWith(".")) {
                        files.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw BulwarkException.usage("cannot list " + dir + ": " + e.getMessage(),
                    "check that the directory and its subfolders are readable");
        }
        files.sort(null);
        return files;
    }
}
