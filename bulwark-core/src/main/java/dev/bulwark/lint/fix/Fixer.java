package dev.bulwark.lint.fix;

import dev.bulwark.BulwarkException;
import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationVersion;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.SqlSyntaxException;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code bulwark lint --fix}: rewrites the mechanical cases in place.
 * <ul>
 *   <li>require-concurrent-index: {@code CREATE INDEX} becomes {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS};</li>
 *   <li>require-concurrent-index-drop: {@code DROP INDEX} becomes {@code DROP INDEX CONCURRENTLY IF EXISTS};</li>
 *   <li>constraint-not-valid: the constraint gets {@code NOT VALID} and a new migration right after
 *       it validates it;</li>
 *   <li>set-not-null: becomes {@code ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID}, then new
 *       migrations validate it, and set NOT NULL and drop the CHECK.</li>
 * </ul>
 * Findings in downs are fixed too (downs are linted like ups; they run during incidents), but only
 * the CONCURRENTLY ones: the others add migrations after the one fixed, which a down cannot take.
 * A CONCURRENTLY fix is applied only where the statement will then run outside a transaction (a
 * Bulwark migration, whose runner takes it out; or a file holding only that statement); new
 * migrations are written only for the Bulwark and Flyway layouts, whose versions have room between
 * two migrations. Every rewritten file is split again before it is written, and left as it was
 * when that fails.
 */
public final class Fixer {
    /**
     * What --fix did, for the report.
     *
     * @param fixes each finding fixed, as {@code rule at file:line}, with {@code (down)} for one in a down
     */
    public record Fixed(List<String> changed, List<String> created, List<String> skipped, List<String> fixes) {
        public Fixed(List<String> changed, List<String> created, List<String> skipped) {
            this(changed, created, skipped, List.of());
        }
    }

    private record Edit(int offset, int length, String text) {
    }

    private static final Set<String> FIXABLE = Set.of("require-concurrent-index", "require-concurrent-index-drop",
            "constraint-not-valid", "set-not-null");

    public Fixed fix(LintResult result, dev.bulwark.lint.Linter linter, Path projectDir) {
        Map<Path, List<Edit>> edits = new LinkedHashMap<>();
        Map<Path, String> newFiles = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Migration> byId = new LinkedHashMap<>();
        result.set().migrations().forEach(m -> byId.put(m.id(), m));
        List<Finding> fixable = result.findings().stream().filter(f -> FIXABLE.contains(f.ruleId()) && f.migration() != null).toList();
        if (fixable.isEmpty()) {
            return new Fixed(List.of(), List.of(), List.of());
        }
        dev.bulwark.lint.Linter.Analysis analysis = linter.analyze(result.set());
        Map<String, Integer> followUps = new LinkedHashMap<>();
        Map<Path, List<String>> described = new LinkedHashMap<>();
        for (Finding f : fixable) {
            Migration m = byId.get(f.migration());
            if (m == null || m.format() == MigrationFormat.ALEMBIC) {
                skipped.add(f.ruleId() + " at " + f.file().getFileName() + ":" + f.line() + " (Alembic files are Python: fix them by hand)");
                continue;
            }
            boolean down = f.part() == Finding.Part.DOWN;
            if (down && (m.down() == null || !f.file().equals(m.down().file()))) {
                continue;
            }
            List<Analyzed> statements = down ? analysis.downStatements(m) : analysis.statements(m);
            Analyzed s = statements.stream().filter(a -> a.statement().line() <= f.line()
                    && lastLine(a.statement()) >= f.line()).findFirst().orElse(null);
            if (s == null) {
                continue;
            }
            Path file = down ? m.down().file() : m.up().file();
            String where = f.ruleId() + " at " + f.file().getFileName() + ":" + f.line() + (down ? " (down)" : "");
            if (down && !f.ruleId().startsWith("require-concurrent-index")) {
                // The other fixes add migrations after this one; a down cannot take them.
                skipped.add(where + " (in a down: fix it by hand)");
                continue;
            }
            String text = read(file);
            // Bulwark's runner takes CONCURRENTLY statements out of the transaction in downs as in ups.
            boolean alone = m.format() == MigrationFormat.BULWARK && m.options().transactional()
                    || (statements.size() == 1 && m.format() != MigrationFormat.DBMATE && m.format() != MigrationFormat.DRIZZLE);
            List<Edit> list = edits.computeIfAbsent(file, k -> new ArrayList<>());
            int editsBefore = list.size();
            switch (f.ruleId()) {
                case "require-concurrent-index", "require-concurrent-index-drop" -> {
                    if (!alone) {
                        skipped.add(where
                                + " (move the statement into a migration of its own first: with CONCURRENTLY it cannot run in this file's transaction)");
                        continue;
                    }
                    Token index = s.statement().tokens().stream().filter(x -> x.isWord("index")).findFirst().orElseThrow();
                    list.add(new Edit(offset(text, index) + index.text().length(), 0, concurrentlyWords(s.what())));
                }
                case "constraint-not-valid" -> {
                    if (!(s.what() instanceof Recognized.AlterTable at) || at.actions().size() != 1
                            || !(at.actions().get(0) instanceof Recognized.AddConstraint ac) || ac.constraint().name() == null
                            || !canAddMigrations(m)) {
                        skipped.add(f.ruleId() + " at " + f.file().getFileName() + ":" + f.line()
                                + " (only a single named ADD CONSTRAINT in a Bulwark or Flyway migration is fixed)");
                        continue;
                    }
                    Token last = s.statement().tokens().get(s.statement().tokens().size() - 1);
                    list.add(new Edit(offset(text, last) + last.text().length(), 0, " NOT VALID"));
                    int n = followUps.merge(m.id(), 1, Integer::sum);
                    newFiles.put(followUp(m, n, "validate_" + ac.constraint().name(), result),
                            body(m, "ALTER TABLE " + at.table().name() + " VALIDATE CONSTRAINT " + ac.constraint().name() + ";",
                                    null));
                }
                case "set-not-null" -> {
                    if (!(s.what() instanceof Recognized.AlterTable at) || at.actions().size() != 1
                            || !(at.actions().get(0) instanceof Recognized.SetNotNull sn) || !canAddMigrations(m)
                            || !(f.line() == s.statement().line())) {
                        skipped.add(f.ruleId() + " at " + f.file().getFileName() + ":" + f.line()
                                + " (only a single SET NOT NULL statement in a Bulwark or Flyway migration is fixed)");
                        continue;
                    }
                    String table = at.table().name();
                    String check = table.replace('.', '_') + "_" + sn.column() + "_not_null";
                    Token first = s.statement().tokens().get(0);
                    Token last = s.statement().tokens().get(s.statement().tokens().size() - 1);
                    list.add(new Edit(offset(text, first), offset(text, last) + last.text().length() - offset(text, first),
                            "ALTER TABLE " + table + " ADD CONSTRAINT " + check + " CHECK (" + sn.column() + " IS NOT NULL) NOT VALID"));
                    int n = followUps.merge(m.id(), 1, Integer::sum);
                    newFiles.put(followUp(m, n, "validate_" + check, result),
                            body(m, "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check + ";", null));
                    n = followUps.merge(m.id(), 1, Integer::sum);
                    newFiles.put(followUp(m, n, "set_" + sn.column() + "_not_null", result),
                            body(m, "-- The validated CHECK lets PostgreSQL 12+ set NOT NULL without scanning the table.\n"
                                    + "ALTER TABLE " + table + " ALTER COLUMN " + sn.column() + " SET NOT NULL;\n"
                                    + "ALTER TABLE " + table + " DROP CONSTRAINT " + check + ";",
                                    "ALTER TABLE " + table + " ALTER COLUMN " + sn.column() + " DROP NOT NULL;"));
                }
                default -> {
                }
            }
            if (list.size() > editsBefore) {
                described.computeIfAbsent(file, k -> new ArrayList<>()).add(where);
            }
        }
        List<String> changed = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (Map.Entry<Path, List<Edit>> e : edits.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            String text = read(e.getKey());
            StringBuilder b = new StringBuilder(text);
            e.getValue().stream().sorted(Comparator.comparingInt(Edit::offset).reversed())
                    .forEach(ed -> b.replace(ed.offset(), ed.offset() + ed.length(), ed.text()));
            String fixed = b.toString();
            try {
                SqlSplitter.split(fixed, e.getKey().toString(), 1);
            } catch (SqlSyntaxException ex) {
                skipped.add(e.getKey().getFileName() + " (the fixed text would not split: " + ex.getMessage() + ")");
                continue;
            }
            write(e.getKey(), fixed);
            changed.add(e.getKey().toString());
            fixes.addAll(described.getOrDefault(e.getKey(), List.of()));
        }
        List<String> created = new ArrayList<>();
        newFiles.forEach((p, body) -> {
            write(p, body);
            created.add(p.toString());
        });
        return new Fixed(changed, created, skipped, fixes);
    }

    private static boolean canAddMigrations(Migration m) {
        return m.format() == MigrationFormat.BULWARK || m.format() == MigrationFormat.FLYWAY;
    }

    /** A file name whose version sorts right after {@code m} and before the next migration. */
    private static Path followUp(Migration m, int n, String what, LintResult result) {
        Path dir = m.up().file().getParent();
        String desc = what.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (m.format() == MigrationFormat.FLYWAY) {
            return dir.resolve("V" + m.id() + "." + n + "__" + desc + ".sql");
        }
        // Bulwark versions are yyyyMMddHHmmss timestamps: take the next free seconds.
        java.math.BigInteger v = new java.math.BigInteger(m.id().replaceAll("\\D", ""));
        Set<String> used = new java.util.HashSet<>();
        result.set().migrations().forEach(x -> used.add(x.id()));
        String next = v.add(java.math.BigInteger.valueOf(n)).toString();
        while (used.contains(next)) {
            next = new java.math.BigInteger(next).add(java.math.BigInteger.ONE).toString();
        }
        if (MigrationVersion.of(next).compareTo(m.version()) <= 0) {
            throw BulwarkException.usage("cannot find a version after " + m.id(), "split the migration by hand");
        }
        return dir.resolve(next + "_" + desc + ".sql");
    }

    /**
     * What the CONCURRENTLY fix inserts after {@code INDEX} in a CREATE or DROP INDEX: {@code CONCURRENTLY}, and
     * {@code IF NOT EXISTS} / {@code IF EXISTS} unless the statement has it (or, for an unnamed index, cannot),
     * so a retry after a failed build or drop does not stop at the name. Lint's help shows the same words.
     */
    public static String concurrentlyWords(Recognized what) {
        if (what instanceof Recognized.CreateIndex ci) {
            return " CONCURRENTLY" + (ci.ifNotExists() || ci.name() == null ? "" : " IF NOT EXISTS");
        }
        return " CONCURRENTLY" + (what instanceof Recognized.DropIndex di && !di.ifExists() ? " IF EXISTS" : "");
    }

    private static String body(Migration m, String up, String down) {
        if (m.format() == MigrationFormat.BULWARK) {
            return "-- bulwark:up\n" + up + "\n" + (down == null ? "" : "\n-- bulwark:down\n" + down + "\n");
        }
        return up + "\n";
    }

    private static int lastLine(Statement s) {
        return s.tokens().get(s.tokens().size() - 1).line();
    }

    /** Offset of a token in the file text, from its line and column (script offsets are section-relative). */
    private static int offset(String text, Token t) {
        int line = 1;
        int i = 0;
        while (line < t.line() && i < text.length()) {
            if (text.charAt(i++) == '\n') {
                line++;
            }
        }
        return i + t.column() - 1;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw BulwarkException.usage("cannot read " + p + ": " + e.getMessage(), "check the file's permissions");
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw BulwarkException.usage("cannot write " + p + ": " + e.getMessage(), "check the folder's permissions");
        }
    }
}
