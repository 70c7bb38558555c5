package dev.bulwark.sql;

/** What kind of lexical element a {@link Token} is. Comments and whitespace are not tokens. */
public enum TokenKind {
    /** A keyword or an unquoted identifier; {@link Token#value()} is lower-cased. */
    WORD,
    /** A double-quoted identifier ({@code "Mixed Case"}, {@code U&"d\0061t"}); value is unquoted and unescaped. */
    QUOTED_IDENTIFIER,
    /** A string constant: {@code 'x'}, {@code E'x'}, {@code U&'x'}, {@code B'01'}, {@code X'ff'}, {@code $tag$ x $tag$}. */
    STRING,
    /** A numeric constant. */
    NUMBER,
    /** A positional parameter {@code $1}. */
    PARAMETER,
    /** An operator such as {@code =}, {@code ::}, {@code ->>}. */
    OPERATOR,
    /** One of {@code ( ) [ ] , ; . :}. */
    PUNCTUATION
}
