package dev.bulwark.lint.rules;

import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SQLite or MySQL syntax in a PostgreSQL project, or a provider lock that disagrees. See docs/rules/dialect-mismatch.md. */
public final class DialectMismatchRule extends Rule {
    @Override
    public String id() {
        return "dialect-mismatch";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "SQLite or MySQL syntax in a PostgreSQL project, or a provider lock that disagrees";
    }

    @Override
    public String help() {
        return "write PostgreSQL: GENERATED ALWAYS AS IDENTITY for AUTOINCREMENT, timestamptz for DATETIME, double quotes for backticks";
    }

    @Override
    public void checkSet(SetContext ctx) {
        for (MigrationContext c : ctx.migrations()) {
            String[] lines = codeOnly(c.migration().up().sql()).split("\\r?\\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String code = lines[i];
                Matcher m = FOREIGN.matcher(code);
                if (m.find()) {
                    ctx.report(c.migration().up().file(), c.migration().up().firstLine() + i, m.start() + 1,
                            m.group().length(), "'" + m.group().trim() + "' is " + dialect(m.group()) + " syntax, not PostgreSQL:"
                                    + " this migration fails on the PostgreSQL server", null, c.migration().id());
                }
            }
        }
        PrismaProviders.check(ctx);
    }

    private static final Pattern FOREIGN = Pattern.compile(
            "(?i)\\bAUTOINCREMENT\\b|\\bAUTO_INCREMENT\\b|`[^`]*`|\\bPRAGMA\\b|\\bDATETIME\\b|\\bENGINE\\s*=|\\bTINYINT\\b|\\bUNSIGNED\\b");

    /**
     * The SQL with comments, string constants (quoted, E'', dollar-quoted) and double-quoted
     * identifiers blanked out, newlines and columns kept: a backtick or DATETIME in a comment, a
     * string or a quoted name is not syntax.
     */
    static String codeOnly(String sql) {
        StringBuilder out = new StringBuilder(sql);
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char ch = sql.charAt(i);
            int end;
            if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                end = i + 2;
                while (end < n && depth > 0) {
                    if (sql.startsWith("/*", end)) {
                        depth++;
                        end += 2;
                    } else if (sql.startsWith("*/", end)) {
                        depth--;
                        end += 2;
                    } else {
                        end++;
                    }
                }
            } else if (ch == '\'' || ch == '"') {
                boolean escapes = ch == '\'' && i > 0 && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E');
                end = i + 1;
                while (end < n) {
                    char e = sql.charAt(end);
                    if (escapes && e == '\\') {
                        end += 2;
                    } else if (e == ch && end + 1 < n && sql.charAt(end + 1) == ch) {
                        end += 2;
                    } else if (e == ch) {
                        end++;
                        break;
                    } else {
                        end++;
                    }
                }
            } else if (ch == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
                Matcher tag = DOLLAR.matcher(sql).region(i, n);
                if (!tag.lookingAt()) {
                    i++;
                    continue;
                }
                int close = sql.indexOf(tag.group(), i + tag.group().length());
                end = close < 0 ? n : close + tag.group().length();
            } else {
                i++;
                continue;
            }
            for (int k = i; k < Math.min(end, n); k++) {
                if (out.charAt(k) != '\n' && out.charAt(k) != '\r') {
                    out.setCharAt(k, ' ');
                }
            }
            i = Math.max(end, i + 1);
        }
        return out.toString();
    }

    private static final Pattern DOLLAR = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");

    private static String dialect(String token) {
        String t = token.toUpperCase(java.util.Locale.ROOT);
        return t.equals("AUTOINCREMENT") || t.equals("PRAGMA") ? "SQLite" : t.equals("DATETIME") ? "SQLite/MySQL" : "MySQL";
    }
}
