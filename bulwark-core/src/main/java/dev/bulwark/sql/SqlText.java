package dev.bulwark.sql;

/** Questions about raw SQL text that need the lexer but not statements. */
public final class SqlText {
    private SqlText() {
    }

    /**
     * True when the text holds nothing but whitespace and comments ({@code null} counts as
     * blank). Never throws: text the lexer refuses, such as an unterminated string or comment,
     * is not blank.
     */
    public static boolean isBlank(String sql) {
        if (sql == null) {
            return true;
        }
        try {
            return new SqlLexer(sql, "<text>", 1).next() == null;
        } catch (SqlSyntaxException e) {
            return false;
        }
    }
}
