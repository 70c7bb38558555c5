package dev.bulwark.lint;

import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.Token;

import java.nio.file.Path;

/**
 * {@code analysis-error}: lint itself failed on a statement (a reader, the schema model or a rule
 * threw). Always an error, never suppressed or turned off: a crash in the analysis must not read
 * as "no findings". The rest of the set is still linted. Errors of the JVM (OutOfMemoryError,
 * StackOverflowError) are not caught anywhere on the lint path: they end the run as an internal
 * error with its own exit code. See docs/rules/analysis-error.md.
 */
public final class AnalysisError extends Rule {
    public static final String ID = "analysis-error";
    public static final AnalysisError RULE = new AnalysisError();

    private AnalysisError() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "lint failed while analysing a statement; it was not fully checked";
    }

    @Override
    public String help() {
        return "review this statement by hand, and report the bug with the statement and this message";
    }

    static Finding at(MigrationContext c, Analyzed s, String what, Throwable cause) {
        if (s != null) {
            return at(c.file(), c.migration(), c.part(), s.statement(), what, cause);
        }
        Migration m = c.migration();
        int line = c.part() == Finding.Part.DOWN && m.down() != null ? m.down().firstLine() : m.up().firstLine();
        return new Finding(ID, Severity.ERROR, c.file(), line, 1, 1, message(what, cause, "migration " + m.id()), RULE.help(),
                m.id(), c.part());
    }

    static Finding at(Path file, Migration m, Finding.Part part, Statement s, String what, Throwable cause) {
        Token first = s.tokens().isEmpty() ? null : s.tokens().get(0);
        return new Finding(ID, Severity.ERROR, file, first == null ? s.line() : first.line(), first == null ? 1 : first.column(),
                first == null ? 1 : first.text().length(), message(what, cause, "this statement"), RULE.help(), m.id(), part);
    }

    static Finding about(MigrationSet set, String what, Throwable cause) {
        return new Finding(ID, Severity.ERROR, set.directory(), 1, 1, 1, message(what, cause, "the migration set"), RULE.help(), null);
    }

    private static String message(String what, Throwable cause, String where) {
        return "internal error: " + what + " on " + where + " (" + cause + "), so it was not fully checked; "
                + "the other findings are complete";
    }
}
