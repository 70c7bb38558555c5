package dev.bulwark.sql;

import java.util.List;

/** API placeholder: the hand-written lexer/splitter lands on the {@code sql} branch. */
public final class SqlSplitter {
    private SqlSplitter() {
    }

    /**
     * Splits a script into statements.
     *
     * @param sql       the script text
     * @param source    the file name used in positions and messages
     * @param firstLine 1-based line in the file where {@code sql} starts
     * @throws SqlSyntaxException for unterminated quotes/comments/dollar quotes, psql meta-commands
     *                            and {@code COPY … FROM stdin} data, with the exact position
     */
    public static List<Statement> split(String sql, String source, int firstLine) {
        throw new UnsupportedOperationException("not yet merged");
    }
}
