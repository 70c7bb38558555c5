package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code -- bulwark:<name> [argument]} comment lines. They are SQL comments, so every format
 * may carry them and every other tool ignores them:
 * <ul>
 *   <li>{@code -- bulwark:no-transaction}: run the migration outside a transaction;</li>
 *   <li>{@code -- bulwark:lock-timeout 5s}, {@code -- bulwark:statement-timeout 10min}: timeouts
 *       for each statement, in PostgreSQL's duration syntax ({@link PgDurations});</li>
 *   <li>{@code -- bulwark:ignore <rule-id> <reason>}: silence one lint rule (lint reads these
 *       through {@link #ignores(Script)});</li>
 *   <li>{@code -- bulwark:expect-change <table>}: the migration changes that table's data on purpose,
 *       so {@code verify --compare} reports the change as expected (read through {@link #expectedChanges(Script)});</li>
 *   <li>{@code -- bulwark:phase expand|contract}: the migration's phase in an expand/contract change
 *       ({@code bulwark plan} writes them); migrate and deploy stop before the first pending contract
 *       migration unless given {@code --phase contract};</li>
 *   <li>{@code -- bulwark:backfill}: the next statement, an {@code UPDATE}, runs as a throttled, resumable backfill in
 *       key-range batches, each committed with its progress (read through {@link #backfillLines(Script)});</li>
 *   <li>{@code -- bulwark:up} / {@code -- bulwark:down}: section markers, only in bulwark-format files.</li>
 * </ul>
 * Anything else after {@code bulwark:} is rejected: a misspelt {@code no-transacton} silently
 * ignored would run {@code CREATE INDEX CONCURRENTLY} inside a transaction and fail in production.
 */
public final class Directives {
    public static final String UP = "up";
    public static final String DOWN = "down";
    public static final String NO_TRANSACTION = "no-transaction";
    public static final String LOCK_TIMEOUT = "lock-timeout";
    public static final String STATEMENT_TIMEOUT = "statement-timeout";
    public static final String IGNORE = "ignore";
    public static final String EXPECT_CHANGE = "expect-change";
    public static final String PHASE = "phase";
    public static final String BACKFILL = "backfill";

    private static final String KNOWN = "write one of -- bulwark:no-transaction, -- bulwark:lock-timeout <duration>, "
            + "-- bulwark:statement-timeout <duration>, -- bulwark:ignore <rule-id> <reason>, -- bulwark:expect-change <table>, "
            + "-- bulwark:phase expand|contract, -- bulwark:backfill";

    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*--\\s*bulwark:(\\S*)\\s*(.*?)\\s*$");

    /**
     * One {@code -- bulwark:ignore <rule-id> <reason>} line.
     *
     * @param ruleId the rule to silence, or "" when the line names none (lint reports that)
     * @param reason the rest of the line, or ""
     * @param line   1-based line in {@code file}
     */
    public record Ignore(String ruleId, String reason, Path file, int line) {
    }

    /**
     * One {@code -- bulwark:expect-change <table>} line.
     *
     * @param schema the schema when the name is qualified, else null (then it matches the table in any schema)
     * @param table  the table name as PostgreSQL reads it: unquoted names folded to lower case
     */
    public record ExpectChange(String schema, String table, Path file, int line) {
    }

    /** A directive line: its name (text right after {@code bulwark:}) and the rest of the line. */
    record Directive(String name, String argument) {
    }

    private Directives() {
    }

    /** The directive on a line, if the line is one; the name is not checked here. */
    static Optional<Directive> parse(String line) {
        Matcher m = DIRECTIVE.matcher(line);
        return m.matches() ? Optional.of(new Directive(m.group(1), m.group(2))) : Optional.empty();
    }

    /**
     * The {@code ignore} directives of a script, read tolerantly (a malformed one is returned with
     * empty parts, for lint to report). Never throws.
     */
    public static List<Ignore> ignores(Script script) {
        List<Ignore> out = new ArrayList<>();
        String[] lines = script.sql().split("\\r\\n|\\r|\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Optional<Directive> d = parse(lines[i]);
            if (d.isPresent() && d.get().name().equals(IGNORE)) {
                String[] parts = d.get().argument().split("\\s+", 2);
                out.add(new Ignore(parts[0], parts.length > 1 ? parts[1] : "", script.file(), script.firstLine() + i));
            }
        }
        return out;
    }

    /** The {@code expect-change} directives of a script (validated when the migration was read). */
    public static List<ExpectChange> expectedChanges(Script script) {
        List<ExpectChange> out = new ArrayList<>();
        String[] lines = script.sql().split("\\r\\n|\\r|\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Optional<Directive> d = parse(lines[i]);
            if (d.isPresent() && d.get().name().equals(EXPECT_CHANGE)) {
                List<String> name = tableName(d.get().argument());
                if (name != null) {
                    out.add(new ExpectChange(name.size() == 2 ? name.get(0) : null, name.get(name.size() - 1),
                            script.file(), script.firstLine() + i));
                }
            }
        }
        return out;
    }

    /**
     * The 1-based file lines of the script's {@code -- bulwark:backfill} directives. Each marks the
     * statement that starts after it (an UPDATE), which then runs in batches ({@code dev.bulwark.backfill}).
     */
    public static java.util.SortedSet<Integer> backfillLines(Script script) {
        java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
        String[] lines = script.sql().split("\\r\\n|\\r|\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Optional<Directive> d = parse(lines[i]);
            if (d.isPresent() && d.get().name().equals(BACKFILL)) {
                out.add(script.firstLine() + i);
            }
        }
        return out;
    }

    private static void checkBackfill(Directive d, String where) {
        if (!d.argument().isEmpty()) {
            throw BulwarkException.usage(where + ": -- bulwark:backfill takes no value, found '" + d.argument() + "'",
                    "remove '" + d.argument() + "'; the UPDATE on the next line says what to backfill");
        }
    }

    /** {@code [schema, table]} or {@code [table]} as PostgreSQL would read the name, or null when it is not one. */
    static List<String> tableName(String text) {
        List<dev.bulwark.sql.Token> tokens;
        try {
            tokens = dev.bulwark.sql.SqlLexer.tokenize(text, "directive", 1);
        } catch (RuntimeException e) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            dev.bulwark.sql.Token t = tokens.get(i);
            if (i % 2 == 1) {
                if (!t.isPunctuation('.')) {
                    return null;
                }
            } else if (t.kind() == dev.bulwark.sql.TokenKind.WORD || t.kind() == dev.bulwark.sql.TokenKind.QUOTED_IDENTIFIER) {
                parts.add(t.value());
            } else {
                return null;
            }
        }
        return tokens.size() % 2 == 1 && parts.size() <= 2 ? parts : null;
    }

    private static void checkExpectChange(Directive d, String where) {
        if (tableName(d.argument()) == null) {
            String found = d.argument().isEmpty() ? "nothing" : "'" + d.argument() + "'";
            throw BulwarkException.usage(where + ": -- bulwark:expect-change needs one table name, found " + found,
                    "write -- bulwark:expect-change orders, or public.\"Order Items\"; one line per table");
        }
    }

    /**
     * The options set by the directives in lines {@code [fromLine, toLineExclusive)} of a file: the
     * lines before and in the up script. Every directive there is validated.
     *
     * @param format the format the file is read as: bulwark-format readers handle {@code up}/{@code down}
     *               themselves; in other formats those markers are a mistake and rejected
     */
    static MigrationOptions options(SourceFile file, int fromLine, int toLineExclusive, MigrationOptions base,
                                    MigrationFormat format) {
        MigrationOptions options = base;
        Map<String, Integer> seen = new HashMap<>();
        for (int n = fromLine; n < toLineExclusive && n <= file.lineCount(); n++) {
            Optional<Directive> found = parse(file.line(n));
            if (found.isEmpty()) {
                continue;
            }
            Directive d = found.get();
            String where = file.path() + ":" + n;
            switch (d.name()) {
                case UP, DOWN -> checkSectionMarker(d, where, format);
                case IGNORE -> {
                    // tolerant on purpose: lint reports malformed ignores with its own context
                }
                case EXPECT_CHANGE -> checkExpectChange(d, where);
                case BACKFILL -> checkBackfill(d, where);
                case PHASE -> {
                    once(seen, d, n, where);
                    options = options.withPhase(phase(d, where));
                }
                case NO_TRANSACTION -> {
                    once(seen, d, n, where);
                    if (!d.argument().isEmpty()) {
                        throw BulwarkException.usage(
                                where + ": -- bulwark:no-transaction takes no value, found '" + d.argument() + "'",
                                "remove '" + d.argument() + "' from the line");
                    }
                    options = options.withTransactional(false);
                }
                case LOCK_TIMEOUT -> {
                    once(seen, d, n, where);
                    options = options.withLockTimeout(duration(d, where));
                }
                case STATEMENT_TIMEOUT -> {
                    once(seen, d, n, where);
                    options = options.withStatementTimeout(duration(d, where));
                }
                default -> throw unknown(d, where);
            }
        }
        return options;
    }

    /**
     * Validates the directives of a down script. Only {@code ignore} belongs there: options apply
     * to the migration as a whole, so one written in the down script would look as if it changed
     * only the down, which it cannot.
     */
    static void checkDown(SourceFile file, int fromLine, int toLineExclusive, MigrationFormat format) {
        for (int n = fromLine; n < toLineExclusive && n <= file.lineCount(); n++) {
            Optional<Directive> found = parse(file.line(n));
            if (found.isEmpty()) {
                continue;
            }
            Directive d = found.get();
            String where = file.path() + ":" + n;
            switch (d.name()) {
                case UP, DOWN -> checkSectionMarker(d, where, format);
                case IGNORE -> {
                }
                case EXPECT_CHANGE -> checkExpectChange(d, where);
                case BACKFILL -> checkBackfill(d, where);
                case NO_TRANSACTION, LOCK_TIMEOUT, STATEMENT_TIMEOUT, PHASE -> throw BulwarkException.usage(
                        where + ": -- bulwark:" + d.name() + " is in the down script, but options apply to the whole"
                                + " migration, up and down",
                        "move the line to the up script, before its first statement");
                default -> throw unknown(d, where);
            }
        }
    }

    private static MigrationOptions.Phase phase(Directive d, String where) {
        return switch (d.argument()) {
            case "expand" -> MigrationOptions.Phase.EXPAND;
            case "contract" -> MigrationOptions.Phase.CONTRACT;
            default -> throw BulwarkException.usage(where + ": -- bulwark:phase needs expand or contract, found "
                    + (d.argument().isEmpty() ? "nothing" : "'" + d.argument() + "'"),
                    "write -- bulwark:phase expand, or -- bulwark:phase contract");
        };
    }

    private static void checkSectionMarker(Directive d, String where, MigrationFormat format) {
        if (format != MigrationFormat.BULWARK) {
            // in a Flyway or dbmate file the line is just a comment, so the "down" SQL under it
            // would run as part of the up: refuse rather than let that happen
            throw BulwarkException.usage(
                    where + ": -- bulwark:" + d.name() + " marks sections only in bulwark-format files, and this"
                            + " directory is read as " + format.id(),
                    "put the down SQL where " + format.id() + " expects it, or read the directory with"
                            + " --migration-format bulwark");
        }
    }

    private static void once(Map<String, Integer> seen, Directive d, int line, String where) {
        Integer earlier = seen.putIfAbsent(d.name(), line);
        if (earlier != null) {
            throw BulwarkException.usage(
                    where + ": -- bulwark:" + d.name() + " repeats the one on line " + earlier,
                    "keep one of the two lines");
        }
    }

    private static Duration duration(Directive d, String where) {
        Duration parsed;
        try {
            parsed = PgDurations.parse(d.argument());
        } catch (IllegalArgumentException e) {
            String found = d.argument().isEmpty() ? "nothing" : "'" + d.argument() + "'";
            throw BulwarkException.usage(
                    where + ": -- bulwark:" + d.name() + " needs a duration, found " + found,
                    "write " + PgDurations.EXPECTED);
        }
        if (parsed.compareTo(PgDurations.MAX_TIMEOUT) > 0) {
            throw BulwarkException.usage(
                    where + ": -- bulwark:" + d.name() + " " + d.argument() + " is out of PostgreSQL's range for a timeout",
                    "write " + PgDurations.TIMEOUT_RANGE);
        }
        return parsed;
    }

    private static BulwarkException unknown(Directive d, String where) {
        return BulwarkException.usage(where + ": unknown directive '-- bulwark:" + d.name() + "'", KNOWN);
    }
}
