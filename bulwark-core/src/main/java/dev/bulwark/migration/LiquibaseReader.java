package dev.bulwark.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Liquibase changelogs. A folder holding a master changelog ({@code db.changelog-master.xml},
 * {@code .yaml}/{@code .yml}, or {@code changelog.xml}/{@code .yaml}) is read from it, following
 * {@code include} and {@code includeAll} ({@link LiquibaseChangelog}); otherwise every formatted SQL
 * changelog ({@code .sql} starting with {@code --liquibase formatted sql}) in the folder and below
 * is read, in path order, as {@code includeAll} would.
 *
 * <p>Each changeset is one migration. Liquibase orders changesets by their place in the changelog,
 * not by a version, so the version Bulwark gives a changeset is its position (1, 2, …); its key in
 * {@code DATABASECHANGELOG} is {@code FILENAME::ID::AUTHOR}, and {@link #MD5SUM} is the checksum
 * Liquibase computes for it. Preconditions, {@code runAlways} and changes Bulwark cannot translate
 * are layout problems: reported by lint, refused by migrate.
 */
public final class LiquibaseReader implements LenientReader {
    /** toolData keys: the DATABASECHANGELOG columns of the changeset. */
    public static final String ID = "liquibase.id";
    public static final String AUTHOR = "liquibase.author";
    public static final String FILENAME = "liquibase.filename";
    /** the {@code 9:} checksum, absent when Bulwark cannot compute Liquibase's exactly (MD5SUM is then written NULL) */
    public static final String MD5SUM = "liquibase.md5sum";
    public static final String DESCRIPTION = "liquibase.description";
    public static final String COMMENTS = "liquibase.comments";
    public static final String CONTEXTS = "liquibase.contexts";
    public static final String LABELS = "liquibase.labels";
    /** How a formatted SQL changeset line starts. */
    static final String CHANGESET_LINE = "--changeset ";

    static final String EXPECTED = "formatted SQL changelogs (.sql files whose first line is --liquibase formatted sql)"
            + " or a master changelog (db.changelog-master.xml, .yaml or .yml)";
    static final List<String> MASTERS = List.of("db.changelog-master.xml", "db.changelog-master.yaml", "db.changelog-master.yml",
            "changelog.xml", "changelog.yaml", "changelog.yml", "db.changelog.xml", "db.changelog.yaml", "db.changelog.yml");
    private static final Pattern CHANGELOG_ROOT = Pattern.compile("<databaseChangeLog\\b|^databaseChangeLog\\s*:", Pattern.MULTILINE);

    @Override
    public MigrationFormat format() {
        return MigrationFormat.LIQUIBASE;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        Optional<Path> master = master(dir);
        if (master.isPresent()) {
            return Optional.of(Sources.name(master.get()) + " is a Liquibase changelog");
        }
        return Sources.firstEvidence(dir, p -> Sources.isSqlFile(p) && LiquibaseSql.isFormattedSql(Sources.peek(p)),
                p -> Sources.name(p) + " starts with --liquibase formatted sql");
    }

    /** The master changelog of {@code dir}: a known name holding a databaseChangeLog. */
    static Optional<Path> master(Path dir) {
        for (String name : MASTERS) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p) && CHANGELOG_ROOT.matcher(Sources.peek(p)).find()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Migration> read(Path dir, Consumer<LayoutProblem> problems) {
        Sources.requireDirectory(dir);
        Optional<Path> master = master(dir);
        List<Migration> out = new ArrayList<>();
        if (master.isPresent()) {
            new LiquibaseChangelog(dir, problems).read(master.get(), out::add);
        } else {
            for (Path p : FlywayReader.sqlFiles(dir)) {
                SourceFile file = SourceFile.read(p);
                if (!LiquibaseSql.isFormattedSql(file.text())) {
                    problems.accept(LayoutProblem.layout(p, "is not a Liquibase formatted SQL changelog: its first line is not"
                                    + " --liquibase formatted sql",
                            "add that line and --changeset <author>:<id> lines, or move the file out of the changelog folder"));
                    continue;
                }
                String filename = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                for (LiquibaseSql.ChangeSet c : LiquibaseSql.parse(file, filename, problems)) {
                    Migration m = formatted(file, c, out.size() + 1, problems);
                    if (m != null) {
                        out.add(renumber(m, out.size() + 1));
                    }
                }
            }
        }
        checkUniqueKeys(out, problems);
        return out;
    }

    private static Migration renumber(Migration m, int position) {
        return new Migration(MigrationVersion.of(String.valueOf(position)), m.description(), m.kind(), m.format(), m.location(),
                m.up(), m.down(), m.options(), m.rawFile(), m.toolName(), m.toolData());
    }

    /** One formatted-SQL changeset as a migration, or null when Liquibase would not run it on PostgreSQL. */
    static Migration formatted(SourceFile file, LiquibaseSql.ChangeSet c, int position, Consumer<LayoutProblem> problems) {
        Path p = file.path();
        String who = "changeset " + c.author() + ":" + c.id() + " (line " + c.line() + ")";
        if (c.flag("ignore", false) || !forPostgres(c.attribute("dbms"))) {
            return null;
        }
        for (String pre : c.preconditions()) {
            problems.accept(LayoutProblem.layout(p, who + " has a precondition (" + pre + "), which Bulwark does not evaluate:"
                            + " it would run the changeset whatever the precondition says",
                    "check the condition by hand and remove the precondition line, or apply this changelog with Liquibase"));
        }
        if (c.flag("runalways", false)) {
            problems.accept(LayoutProblem.layout(p, who + " has runAlways:true; Bulwark applies each changeset once",
                    "remove runAlways, or apply this changelog with Liquibase"));
        }
        if (c.body().contains("${")) {
            problems.accept(LayoutProblem.layout(p, who + " uses a changelog property (${…}), which Bulwark does not substitute",
                    "write the value itself, or apply this changelog with Liquibase"));
        }
        MigrationOptions base = MigrationOptions.DEFAULT.withTransactional(c.flag("runintransaction", true));
        MigrationOptions options = Directives.options(file, c.bodyFrom(), c.bodyTo(), base, MigrationFormat.LIQUIBASE);
        String delimiter = c.attribute("enddelimiter");
        String upText = file.lines(c.bodyFrom(), c.bodyTo());
        if (delimiter == null && c.body().strip().endsWith("\n/")) {
            delimiter = "/";
        }
        Script up = new Script(withSemicolons(upText, delimiter), p, c.bodyFrom());
        Script down = null;
        if (c.rollbackLine() > 0) {
            String rb = c.rollback().strip().toLowerCase(Locale.ROOT);
            String text = rb.startsWith("not required") || rb.startsWith("empty") ? "" : c.rollback();
            down = new Script(withSemicolons(text, c.attribute("rollbackenddelimiter")), p, c.rollbackLine());
        }
        Map<String, String> data = new HashMap<>();
        data.put(ID, c.id());
        data.put(AUTHOR, c.author());
        data.put(FILENAME, c.filename());
        data.put(MD5SUM, LiquibaseChecksum.ofSqlChangeSet(c.body()));
        data.put(DESCRIPTION, "sql");
        if (c.comments() != null) data.put(COMMENTS, c.comments());
        String context = c.attribute("contextfilter") != null ? c.attribute("contextfilter") : c.attribute("context");
        if (context != null && !context.isEmpty()) data.put(CONTEXTS, context);
        if (c.attribute("labels") != null && !c.attribute("labels").isEmpty()) data.put(LABELS, c.attribute("labels"));
        return new Migration(MigrationVersion.of(String.valueOf(position)), c.id(), MigrationKind.VERSIONED, MigrationFormat.LIQUIBASE,
                p, up, down, options, file.text(), key(c.filename(), c.id(), c.author()), data);
    }

    /** The key of a changeset in DATABASECHANGELOG, as Liquibase compares them. */
    public static String key(String filename, String id, String author) {
        return filename + "::" + id + "::" + author;
    }

    /**
     * Liquibase's dbms filter: a changeset for other databases only ({@code dbms:oracle}) is not run
     * on PostgreSQL (and not recorded).
     */
    static boolean forPostgres(String dbms) {
        if (dbms == null || dbms.isBlank()) {
            return true;
        }
        boolean anyPositive = false;
        for (String d : dbms.toLowerCase(Locale.ROOT).split(",")) {
            d = d.strip();
            if (d.equals("!postgresql") || d.equals("none")) {
                return false;
            }
            if (d.equals("postgresql") || d.equals("all")) {
                return true;
            }
            if (!d.startsWith("!")) {
                anyPositive = true;
            }
        }
        return !anyPositive;
    }

    /**
     * A custom end delimiter ({@code endDelimiter:/}, {@code GO}) on a line of its own becomes a
     * semicolon, so Bulwark's splitter cuts where Liquibase does; lines and positions stay.
     */
    static String withSemicolons(String sql, String delimiter) {
        if (delimiter == null || delimiter.isEmpty() || delimiter.equals(";")) {
            return sql;
        }
        String[] lines = sql.split("(?<=\n)", -1);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            String body = line.stripTrailing();
            String end = line.substring(body.length());
            if (body.strip().equalsIgnoreCase(delimiter)) {
                out.append(";").append(end);
            } else if (body.endsWith(delimiter) && !body.strip().startsWith("--")) {
                out.append(body, 0, body.length() - delimiter.length()).append(';').append(end);
            } else {
                out.append(line);
            }
        }
        return out.toString();
    }

    /** Two changesets with one FILENAME::ID::AUTHOR: Liquibase refuses the changelog. */
    static void checkUniqueKeys(List<Migration> migrations, Consumer<LayoutProblem> problems) {
        Map<String, Migration> seen = new HashMap<>();
        for (Migration m : migrations) {
            Migration other = seen.putIfAbsent(m.toolName(), m);
            if (other != null) {
                problems.accept(new LayoutProblem(m.location(), "repeats changeset " + m.toolData().get(AUTHOR) + ":"
                        + m.toolData().get(ID) + " of " + m.toolData().get(FILENAME) + " (changesets " + other.id() + " and "
                        + m.id() + ")", "give each changeset its own id", LayoutProblem.DUPLICATE));
            }
        }
    }
}
