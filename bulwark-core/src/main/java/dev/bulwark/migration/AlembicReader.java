package dev.bulwark.migration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Alembic's {@code versions/*.py} statically, never running Python: the revision header
 * ({@code revision}, {@code down_revision}, {@code branch_labels}, {@code depends_on}) and the
 * {@code op.*} calls of {@code upgrade()} and {@code downgrade()}, turned into the SQL Alembic
 * would emit. Each statement is placed on the line of its {@code op} call, so findings point into
 * the .py file. Files that cannot be read as migrations are still returned (with
 * {@link #ERROR}), for lint to report rather than refuse the whole folder.
 */
public final class AlembicReader implements MigrationReader {
    public static final String REVISION = "alembic.revision";
    /** Parents, comma-separated; "" for the root. */
    public static final String DOWN_REVISION = "alembic.down_revision";
    /** "true" when down_revision is a tuple or list (a merge). */
    public static final String MERGE = "alembic.merge";
    public static final String DEPENDS_ON = "alembic.depends_on";
    public static final String BRANCH_LABELS = "alembic.branch_labels";
    /** Why the file is not a usable migration (empty, no revision, no upgrade()). */
    public static final String ERROR = "alembic.error";
    /** What downgrade() does when it does nothing: "missing", "empty", "pass", "raises". */
    public static final String DOWNGRADE = "alembic.downgrade";
    /** Lines inside autocommit_block(): "12-15,30-31". */
    public static final String AUTOCOMMIT = "alembic.autocommit";
    /**
     * "line:what" of the first operation of upgrade() that cannot be read statically
     * (op.bulk_insert, execute with computed SQL, a loop, a module-level helper).
     */
    public static final String UNREAD = "alembic.unread";
    /** Line of the revision assignment, for findings about the header. */
    public static final String REVISION_LINE = "alembic.revision_line";

    private static final Pattern REVISION_RE = Pattern.compile("(?m)^revision\\s*(?::[^=\\n]*)?=\\s*(.+)$");
    private static final Pattern DOWN_RE = Pattern.compile("(?m)^down_revision\\s*(?::[^=\\n]*)?=\\s*(.+)$");
    private static final Pattern DEPENDS_RE = Pattern.compile("(?m)^depends_on\\s*(?::[^=\\n]*)?=\\s*(.+)$");
    private static final Pattern LABELS_RE = Pattern.compile("(?m)^branch_labels\\s*(?::[^=\\n]*)?=\\s*(.+)$");
    private static final Pattern DEF_RE = Pattern.compile("(?m)^def\\s+(\\w+)\\s*\\(.*$");
    private static final Pattern IGNORE_RE = Pattern.compile("#\\s*bulwark:ignore\\b(.*)$");

    @Override
    public MigrationFormat format() {
        return MigrationFormat.ALEMBIC;
    }

    @Override
    public Optional<String> evidence(Path dir) {
        Path versions = versionsDir(dir);
        if (versions == null) {
            return Optional.empty();
        }
        for (Path p : pyFiles(versions)) {
            String text = Sources.peek(p);
            if (text != null && text.contains("down_revision")) {
                return Optional.of(dir.relativize(p).toString());
            }
        }
        if (Files.isRegularFile(dir.resolve("alembic.ini")) || Files.isRegularFile(dir.resolve("env.py"))) {
            return Optional.of(Files.isRegularFile(dir.resolve("env.py")) ? "env.py" : "alembic.ini");
        }
        return Optional.empty();
    }

    /** {@code dir/versions}, {@code dir/alembic/versions}, or dir itself when it holds revision files. */
    static Path versionsDir(Path dir) {
        for (Path c : List.of(dir.resolve("versions"), dir.resolve("alembic").resolve("versions"))) {
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        if (dir.getFileName() != null && dir.getFileName().toString().equals("versions") && Files.isDirectory(dir)) {
            return dir;
        }
        return null;
    }

    private static List<Path> pyFiles(Path versions) {
        try (Stream<Path> s = Files.list(versions)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".py") && !p.getFileName().toString().startsWith("__"))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The folder that holds alembic.ini / env.py (for transaction_per_migration and credentials). */
    public static Path envDir(Path dir) {
        Path versions = versionsDir(dir);
        return versions == null ? dir : versions.getParent();
    }

    @Override
    public List<Migration> read(Path dir) {
        Sources.requireDirectory(dir);
        Path versions = versionsDir(dir);
        if (versions == null) {
            throw dev.bulwark.BulwarkException.usage("no versions/ folder in " + dir,
                    "name the folder holding alembic.ini and versions/ (PATH for lint and audit, --dir for the other commands, or [migrations] dir in bulwark.toml)");
        }
        List<Parsed> parsed = new ArrayList<>();
        for (Path p : pyFiles(versions)) {
            parsed.add(parse(p));
        }
        // Apply order: parents before children (Kahn), ties by file name, so the schema model folds correctly.
        Map<String, Parsed> byRev = new HashMap<>();
        parsed.forEach(p -> byRev.putIfAbsent(p.revision, p));
        Map<Parsed, Integer> pending = new LinkedHashMap<>();
        for (Parsed p : parsed) {
            pending.put(p, (int) p.parents.stream().filter(byRev::containsKey).count());
        }
        List<Parsed> order = new ArrayList<>();
        Deque<Parsed> ready = new ArrayDeque<>();
        pending.forEach((p, n) -> {
            if (n == 0) {
                ready.add(p);
            }
        });
        while (!ready.isEmpty()) {
            Parsed p = ready.poll();
            order.add(p);
            for (Parsed c : parsed) {
                if (pending.containsKey(c) && c.parents.contains(p.revision) && byRev.get(p.revision) == p) {
                    int n = pending.merge(c, -1, Integer::sum);
                    if (n == 0) {
                        ready.add(c);
                    }
                }
            }
        }
        parsed.stream().filter(p -> !order.contains(p)).forEach(order::add);
        List<Migration> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            out.add(order.get(i).toMigration(i + 1));
        }
        return out;
    }

    private static final class Parsed {
        Path file;
        String text;
        String revision;
        List<String> parents = List.of();
        Map<String, String> data = new LinkedHashMap<>();
        String up = "";
        String down;
        String message;

        Migration toMigration(int order) {
            String version = String.format(Locale.ROOT, "%04d", order);
            Script upScript = new Script(up, file, 1);
            Script downScript = down == null ? null : new Script(down, file, 1);
            return new Migration(MigrationVersion.of(version), revision + (message == null ? "" : " " + message),
                    MigrationKind.VERSIONED, MigrationFormat.ALEMBIC, file, upScript, downScript,
                    MigrationOptions.DEFAULT, text, revision, data);
        }
    }

    private static Parsed parse(Path file) {
        Parsed p = new Parsed();
        p.file = file;
        try {
            p.text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            p.text = "";
            p.data.put(ERROR, "cannot be read: " + e.getMessage());
        }
        String name = file.getFileName().toString().replaceFirst("\\.py$", "");
        p.revision = name;
        String src = p.text;
        Matcher rev = REVISION_RE.matcher(src);
        if (src.isBlank()) {
            p.data.put(ERROR, "the file is empty");
        } else if (!rev.find() || PyCalls.string(uncomment(rev.group(1))) == null) {
            p.data.putIfAbsent(ERROR, "it has no revision = '<id>' line, so Alembic cannot load it");
        } else {
            p.revision = PyCalls.string(uncomment(rev.group(1)));
            p.data.put(REVISION_LINE, String.valueOf(PyCalls.lineOf(src, rev.start())));
        }
        p.data.put(REVISION, p.revision);
        Matcher down = DOWN_RE.matcher(src);
        if (down.find()) {
            String v = uncomment(down.group(1)).trim();
            if (v.startsWith("(") || v.startsWith("[")) {
                p.parents = PyCalls.strings(v);
                p.data.put(MERGE, "true");
            } else if (PyCalls.string(v) != null) {
                p.parents = List.of(PyCalls.string(v));
            }
        } else if (!src.isBlank() && !p.data.containsKey(ERROR)) {
            p.data.put(ERROR, "it has no down_revision line, so Alembic cannot place it in the history");
        }
        p.data.put(DOWN_REVISION, String.join(",", p.parents));
        Matcher dep = DEPENDS_RE.matcher(src);
        if (dep.find()) {
            p.data.put(DEPENDS_ON, String.join(",", PyCalls.strings("[" + stripParens(uncomment(dep.group(1))) + "]")));
        }
        Matcher labels = LABELS_RE.matcher(src);
        if (labels.find()) {
            p.data.put(BRANCH_LABELS, String.join(",", PyCalls.strings("[" + stripParens(uncomment(labels.group(1))) + "]")));
        }
        Matcher msg = Pattern.compile("^\"\"\"(.*)$", Pattern.MULTILINE).matcher(src);
        if (msg.find()) {
            p.message = msg.group(1).replace("\"\"\"", "").trim();
        }
        int[] upBody = body(src, "upgrade");
        if (upBody == null) {
            p.data.putIfAbsent(ERROR, "it has no upgrade() function");
        } else {
            p.up = AlembicOps.toSql(src, upBody[0], upBody[1], p.data, true);
        }
        int[] downBody = body(src, "downgrade");
        if (downBody == null) {
            p.data.put(DOWNGRADE, "missing");
        } else {
            String bodyText = src.substring(downBody[0], downBody[1]);
            String code = bodyText.replaceAll("(?m)#.*$", "").replaceAll("(?s)\"\"\".*?\"\"\"", "").trim();
            if (code.isEmpty()) {
                p.data.put(DOWNGRADE, "empty");
            } else if (code.equals("pass")) {
                p.data.put(DOWNGRADE, "pass");
            } else if (code.startsWith("raise")) {
                p.data.put(DOWNGRADE, "raises");
            } else {
                // the down's autocommit_block() lines join the up's (file lines: they cannot collide); lint reads downs too
                p.down = AlembicOps.toSql(src, downBody[0], downBody[1], p.data, false);
            }
        }
        return p;
    }

    /** A header value without its trailing {@code # comment} (a '#' inside a string literal stays). */
    static String uncomment(String value) {
        int i = 0;
        while (i < value.length()) {
            char ch = value.charAt(i);
            if (ch == '\'' || ch == '"') {
                i = PyCalls.skipString(value, i);
            } else if (ch == '#') {
                return value.substring(0, i).trim();
            } else {
                i++;
            }
        }
        return value.trim();
    }

    private static String stripParens(String v) {
        String t = v.trim();
        return (t.startsWith("(") || t.startsWith("[")) ? t.substring(1, Math.max(1, t.length() - 1)) : t;
    }

    /** Offsets of a top-level function's body: from after its def line to the next top-level line. */
    private static int[] body(String src, String function) {
        Matcher m = DEF_RE.matcher(src);
        while (m.find()) {
            if (m.group(1).equals(function)) {
                int start = src.indexOf('\n', m.start());
                // the signature may span lines: the body starts after the line ending in ':'
                int colon = start;
                while (colon >= 0 && !src.substring(m.start(), colon).trim().endsWith(":")) {
                    colon = src.indexOf('\n', colon + 1);
                }
                start = colon < 0 ? src.length() : colon + 1;
                Matcher next = Pattern.compile("(?m)^\\S").matcher(src);
                int end = next.find(start) ? next.start() : src.length();
                return new int[]{start, end};
            }
        }
        return null;
    }

    static String ignoreComment(String pythonLine) {
        Matcher m = IGNORE_RE.matcher(pythonLine);
        return m.find() ? "-- bulwark:ignore" + m.group(1) : null;
    }
}
