package dev.bulwark.sql;

import java.util.List;

/** Small steps over a statement's tokens, shared by the token-level recognizers outside lint. */
public final class TokenWalk {
    private TokenWalk() {
    }

    /** {@code i} past {@code words} when they all follow at {@code i}, else {@code i}. */
    public static int skip(List<Token> t, int i, String... words) {
        int j = i;
        for (String w : words) {
            if (word(t, j, w)) {
                j++;
            } else {
                return i;
            }
        }
        return j;
    }

    /** True when token {@code i} exists and is the (lower-case) word {@code w}. */
    public static boolean word(List<Token> t, int i, String w) {
        return i < t.size() && t.get(i).isWord(w);
    }

    /** A word or a quoted identifier: something that can name an object. */
    public static boolean isName(Token token) {
        return token.kind() == TokenKind.WORD || token.kind() == TokenKind.QUOTED_IDENTIFIER;
    }

    /**
     * True when token {@code i} is a FROM that opens a FROM clause (of an UPDATE, SELECT, COPY …):
     * the FROM of the operator {@code IS [NOT] DISTINCT FROM} is part of an expression. Outside
     * brackets that operator is the only place a FROM follows DISTINCT; the FROMs of EXTRACT,
     * SUBSTRING, TRIM and OVERLAY sit inside their brackets.
     */
    public static boolean isFromClause(List<Token> t, int i) {
        return word(t, i, "from") && !(i > 0 && t.get(i - 1).isWord("distinct"));
    }
}
