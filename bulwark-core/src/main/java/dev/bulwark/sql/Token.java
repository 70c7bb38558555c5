package dev.bulwark.sql;

/**
 * One lexical element with its exact position.
 *
 * @param kind   what it is
 * @param text   the exact source text of the token
 * @param value  the meaning: lower-cased for words, unquoted/unescaped for quoted identifiers and strings
 * @param offset 0-based character offset in the text given to the lexer
 * @param line   1-based line in the file (the lexer's {@code firstLine} is added)
 * @param column 1-based column, counted in characters
 */
public record Token(TokenKind kind, String text, String value, int offset, int line, int column) {

    /** True for a WORD whose lower-cased value equals {@code word} (pass it lower-case). */
    public boolean isWord(String word) {
        return kind == TokenKind.WORD && value.equals(word);
    }

    /** 0-based offset just after the token: {@code offset() + text().length()}. */
    public int endOffset() {
        return offset + text.length();
    }

    public boolean isPunctuation(char c) {
        return kind == TokenKind.PUNCTUATION && text.length() == 1 && text.charAt(0) == c;
    }
}
