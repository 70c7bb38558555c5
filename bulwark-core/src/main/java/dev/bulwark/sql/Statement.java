package dev.bulwark.sql;

import java.util.List;

/**
 * One SQL statement cut out of a migration file, with its position.
 *
 * @param sql    the statement's exact text, from its first token to its last (no terminating ';'),
 *               comments inside it kept
 * @param tokens its tokens (no comments, no terminating ';')
 * @param source file name used in messages
 * @param line   1-based line of the first token in the file
 * @param column 1-based column of the first token
 */
public record Statement(String sql, List<Token> tokens, String source, int line, int column) {
    public Statement {
        tokens = List.copyOf(tokens);
    }

    /** {@code file:line:column}, for messages. */
    public String position() {
        return source + ":" + line + ":" + column;
    }
}
