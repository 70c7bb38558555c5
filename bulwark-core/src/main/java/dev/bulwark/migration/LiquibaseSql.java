package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Liquibase formatted SQL changelog ({@code --liquibase formatted sql}) cut into changesets the
 * way Liquibase 4.33's {@code FormattedSqlChangeLogParser} does: a {@code --changeset author:id}
 * line starts one, {@code --rollback} lines (or a {@code /* liquibase rollback} block) are its
 * down, {@code --comment}, {@code --validCheckSum}, {@code --preconditions} and
 * {@code --precondition-*} lines are attributes, every other line is its SQL.
 */
final class LiquibaseSql {
    static final Pattern HEADER = Pattern.compile("^\\s*--\\s*liquibase\\s*formatted.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHANGE_SET =
            Pattern.compile("\\s*--[\\s]*changeset\\s+(\"[^\"]+\"|[^:]+):\\s*(\"[^\"]+\"|\\S+).*", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHANGE_SET_LOOSE = Pattern.compile("\\s*-+[\\s]*changeset(\\s.*|$)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLLBACK = Pattern.compile("\\s*--[\\s]*rollback (.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLLBACK_START = Pattern.compile("\\s*/\\*\\s*liquibase\\s*rollback\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLLBACK_END = Pattern.compile(".*\\s*\\*/\\s*$");
    private static final Pattern COMMENT = Pattern.compile("--[\\s]*comment:? (.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern VALID_CHECKSUM = Pattern.compile("--[\\s]*validCheckSum:? (.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PRECONDITIONS = Pattern.compile("\\s*--[\\s]*preconditions(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PRECONDITION = Pattern.compile("\\s*--[\\s]*precondition-([a-zA-Z0-9-]+)(?: (.*))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern IGNORE_LINES = Pattern.compile("--[\\s]*ignoreLines:(\\w+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PROPERTY = Pattern.compile("\\s*--[\\s]*property\\s+.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern LOGICAL_FILE_PATH = Pattern.compile(".*logicalFilePath:(\\S*).*", Pattern.CASE_INSENSITIVE);

    /** One changeset as written. */
    record ChangeSet(String id, String author, String filename, int line, int bodyFrom, int bodyTo, String body,
                     String rollback, int rollbackLine, Map<String, String> attributes, String comments,
                     List<String> preconditions) {
        boolean flag(String name, boolean dflt) {
            String v = attributes.get(name.toLowerCase(Locale.ROOT));
            return v == null ? dflt : Boolean.parseBoolean(v);
        }

        String attribute(String name) {
            return attributes.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private LiquibaseSql() {
    }

    static boolean isFormattedSql(String text) {
        for (String line : text.split("\\R", 50)) {
            if (!line.isBlank()) {
                return HEADER.matcher(line.startsWith("\uFEFF") ? line.substring(1) : line).matches();
            }
        }
        return false;
    }

    /**
     * @param filename what Liquibase records in FILENAME for this file (its path below the search path),
     *                 unless the header names a logicalFilePath
     */
    static List<ChangeSet> parse(SourceFile file, String filename, Consumer<LayoutProblem> problems) {
        List<ChangeSet> out = new ArrayList<>();
        Builder current = null;
        String logical = null;
        int n = 1;
        int count = file.lineCount();
        while (n <= count) {
            String line = file.line(n);
            if (n == 1 && HEADER.matcher(line).matches() || current == null && HEADER.matcher(line).matches()) {
                Matcher lf = LOGICAL_FILE_PATH.matcher(line);
                if (lf.matches() && !lf.group(1).isEmpty()) {
                    logical = lf.group(1);
                }
                n++;
                continue;
            }
            Matcher ignore = IGNORE_LINES.matcher(line);
            if (ignore.matches()) {
                if (ignore.group(1).equals("start")) {
                    n++;
                    while (n <= count && !(IGNORE_LINES.matcher(file.line(n)).matches()
                            && IGNORE_LINES.matcher(file.line(n)).replaceAll("$1").equals("end"))) {
                        n++;
                    }
                    n++;
                } else {
                    try {
                        n += 1 + Long.parseLong(ignore.group(1));
                    } catch (NumberFormatException e) {
                        problems.accept(LayoutProblem.layout(file.path(), "line " + n + ": unknown ignoreLines value '"
                                + ignore.group(1) + "'", "write --ignoreLines:start, --ignoreLines:end or --ignoreLines:<count>"));
                        n++;
                    }
                }
                continue;
            }
            if (PROPERTY.matcher(line).matches()) {
                n++;
                continue;
            }
            Matcher cs = CHANGE_SET.matcher(line);
            if (cs.matches()) {
                if (current != null) {
                    out.add(current.build(n));
                }
                current = new Builder(file, unquote(cs.group(2)), unquote(cs.group(1).trim()), logical != null ? logical : filename, n,
                        attributes(line.substring(cs.end(2))));
                n++;
                continue;
            }
            if (CHANGE_SET_LOOSE.matcher(line).matches()) {
                problems.accept(LayoutProblem.layout(file.path(), "line " + n + ": '" + line.strip()
                                + "' is not a changeset line Liquibase reads",
                        "write --changeset <author>:<id> [attributes], with no space around the colon"));
                n++;
                continue;
            }
            if (current == null) {
                n++;
                continue;
            }
            Matcher m;
            if ((m = COMMENT.matcher(line)).matches()) {
                current.comments = m.group(1);
            } else if (VALID_CHECKSUM.matcher(line).matches()) {
                // an accepted old checksum: nothing for Bulwark to do
            } else if ((m = ROLLBACK.matcher(line)).matches()) {
                current.rollback(n, m.group(1));
            } else if (ROLLBACK_START.matcher(line).matches()) {
                int start = n;
                n++;
                while (n <= count && !ROLLBACK_END.matcher(file.line(n)).matches()) {
                    current.rollback(n, file.line(n));
                    n++;
                }
                if (n > count) {
                    problems.accept(LayoutProblem.layout(file.path(), "line " + start + ": the /* liquibase rollback block"
                            + " is not closed", "end it with */ on its own line"));
                } else {
                    String last = file.line(n).replaceFirst("\\*/\\s*$", "");
                    if (!last.isBlank()) {
                        current.rollback(n, last);
                    }
                }
            } else if ((m = PRECONDITIONS.matcher(line)).matches()) {
                current.preconditions.add("--preconditions" + m.group(1));
            } else if ((m = PRECONDITION.matcher(line)).matches()) {
                current.preconditions.add(line.strip());
            } else {
                current.body(n);
            }
            n++;
        }
        if (current != null) {
            out.add(current.build(count + 1));
        }
        for (ChangeSet c : out) {
            if (c.body.isBlank()) {
                problems.accept(LayoutProblem.layout(file.path(), "line " + c.line + ": changeset " + c.author + ":" + c.id
                        + " has no SQL", "write its SQL below the --changeset line, or delete the changeset"));
            }
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** {@code name:value} pairs after the id; a quoted value may hold spaces. */
    static Map<String, String> attributes(String rest) {
        Map<String, String> out = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+):(\"[^\"]*\"|\\S*)").matcher(rest);
        while (m.find()) {
            out.put(m.group(1).toLowerCase(Locale.ROOT), unquote(m.group(2)));
        }
        return out;
    }

    private static final class Builder {
        final String id;
        final String author;
        final String filename;
        final int line;
        final Map<String, String> attributes;
        final StringBuilder body = new StringBuilder();
        final StringBuilder rollback = new StringBuilder();
        final List<String> preconditions = new ArrayList<>();
        int rollbackLine;
        /** the last line of SQL: the rollback and blank lines after it are not the changeset's SQL */
        int lastBody;
        String comments;
        final SourceFile file;

        Builder(SourceFile file, String id, String author, String filename, int line, Map<String, String> attributes) {
            this.file = file;
            this.id = id;
            this.author = author;
            this.filename = filename;
            this.line = line;
            this.attributes = attributes;
        }

        void body(int n) {
            body.append(file.line(n)).append('\n');
            if (!file.line(n).isBlank()) {
                lastBody = n;
            }
        }

        void rollback(int n, String text) {
            if (rollbackLine == 0) {
                rollbackLine = n;
            }
            rollback.append(text).append('\n');
        }

        ChangeSet build(int nextLine) {
            return new ChangeSet(id, author, filename, line, line + 1, Math.min(nextLine, Math.max(lastBody, line) + 1), body.toString(), rollback.toString(), rollbackLine,
                    attributes, comments, List.copyOf(preconditions));
        }
    }
}
