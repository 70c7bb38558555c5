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
            String[] lines = c.migration().up().sql().split("\\r?\\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String code = lines[i].replaceAll("--.*$", "").replaceAll("'[^']*'", "''");
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

    private static String dialect(String token) {
        String t = token.toUpperCase(java.util.Locale.ROOT);
        return t.equals("AUTOINCREMENT") || t.equals("PRAGMA") ? "SQLite" : t.equals("DATETIME") ? "SQLite/MySQL" : "MySQL";
    }
}
