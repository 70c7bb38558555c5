package dev.bulwark.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a script into statements the way psql does: at each {@code ;} that is outside strings,
 * quoted identifiers, dollar quotes, comments, parentheses (the rule actions of
 * {@code CREATE RULE … DO (…; …)}) and the {@code BEGIN ATOMIC … END} body of a SQL-standard
 * {@code CREATE FUNCTION} or {@code CREATE PROCEDURE}.
 */
public final class SqlSplitter {
    private SqlSplitter() {
    }

    /**
     * Splits a script into statements. Empty statements ({@code ;;}) are skipped; a script of
     * only comments and whitespace has none.
     *
     * @param sql       the script text
     * @param source    the file name used in positions and messages
     * @param firstLine 1-based line in the file where {@code sql} starts
     * @throws SqlSyntaxException for unterminated quotes/comments/dollar quotes, psql meta-commands
     *                            and {@code COPY … FROM stdin} data, with the exact position; also
     *                            for a {@code (} or {@code BEGIN ATOMIC} never closed (the rest of
     *                            the file would silently become one statement) and for whatever
     *                            {@link SqlLexer} refuses
     */
    public static List<Statement> split(String sql, String source, int firstLine) {
        SqlLexer lexer = new SqlLexer(sql, source, firstLine);
        List<Statement> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        // The '(' not yet closed, so an unclosed one can be named.
        List<Token> openParens = new ArrayList<>();
        int atomicDepth = 0;
        Token atomicStart = null;
        Boolean routine = null;
        for (Token t = lexer.next(); t != null; t = lexer.next()) {
            if (t.kind() == TokenKind.PUNCTUATION) {
                if (t.isPunctuation('(')) {
                    openParens.add(t);
                } else if (t.isPunctuation(')') && !openParens.isEmpty()) {
                    // A stray ')' is the server's syntax error to report; it must not hide a ';'.
                    openParens.remove(openParens.size() - 1);
                } else if (t.isPunctuation(';') && openParens.isEmpty() && atomicDepth == 0) {
                    finish(sql, source, current, statements);
                    current.clear();
                    routine = null;
                    continue;
                }
            } else if (t.kind() == TokenKind.WORD) {
                if (atomicDepth > 0) {
                    // CASE … END nests inside the body; only END closes levels.
                    if (t.isWord("case")) {
                        atomicDepth++;
                    } else if (t.isWord("end")) {
                        atomicDepth--;
                    }
                } else if (t.isWord("atomic") && openParens.isEmpty() && !current.isEmpty()
                        && current.get(current.size() - 1).isWord("begin")) {
                    if (routine == null) {
                        routine = isRoutineDefinition(current);
                    }
                    if (routine) {
                        atomicDepth = 1;
                        atomicStart = current.get(current.size() - 1);
                    }
                }
            }
            current.add(t);
        }
        if (!openParens.isEmpty()) {
            Token open = openParens.get(openParens.size() - 1);
            throw new SqlSyntaxException(source, open.line(), open.column(),
                    "the ( here is never closed, so its statement runs to the end of the file",
                    "add the missing )");
        }
        if (atomicDepth > 0) {
            throw new SqlSyntaxException(source, atomicStart.line(), atomicStart.column(),
                    "the BEGIN ATOMIC here has no matching END, so the function body runs to the end of the file",
                    "close the body with END before the statement's ;");
        }
        finish(sql, source, current, statements);
        return statements;
    }

    /** CREATE [OR REPLACE] FUNCTION|PROCEDURE: the only statements with a BEGIN ATOMIC body. */
    private static boolean isRoutineDefinition(List<Token> tokens) {
        int i = 0;
        if (!tokens.get(i++).isWord("create")) {
            return false;
        }
        if (i + 1 < tokens.size() && tokens.get(i).isWord("or") && tokens.get(i + 1).isWord("replace")) {
            i += 2;
        }
        return i < tokens.size() && (tokens.get(i).isWord("function") || tokens.get(i).isWord("procedure"));
    }

    private static void finish(String sql, String source, List<Token> tokens, List<Statement> out) {
        if (tokens.isEmpty()) {
            return;
        }
        Token first = tokens.get(0);
        Token last = tokens.get(tokens.size() - 1);
        if (readsCopyDataFromStdin(tokens)) {
            throw new SqlSyntaxException(source, first.line(), first.column(),
                    "COPY … FROM stdin: the rows that follow it in the file are data, not SQL",
                    "load the rows with INSERT statements, with COPY … FROM a file on the database server,"
                            + " or move the data with bulwark copy");
        }
        String text = sql.substring(first.offset(), last.endOffset());
        out.add(new Statement(text, tokens, source, first.line(), first.column()));
    }

    /* COPY … FROM STDIN (a FROM inside a parenthesised query does not count). */
    private static boolean readsCopyDataFromStdin(List<Token> tokens) {
        if (!tokens.get(0).isWord("copy")) {
            return false;
        }
        int depth = 0;
        for (int i = 1; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isPunctuation('(')) {
                depth++;
            } else if (t.isPunctuation(')')) {
                depth--;
            } else if (depth == 0 && t.isWord("from") && tokens.get(i + 1).isWord("stdin")) {
                return true;
            }
        }
        return false;
    }
}
