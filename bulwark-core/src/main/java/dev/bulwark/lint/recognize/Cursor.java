package dev.bulwark.lint.recognize;

import dev.bulwark.sql.Token;
import dev.bulwark.sql.TokenKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A read position in a statement's tokens, with the few moves every recognizer needs. */
final class Cursor {
    final List<Token> tokens;
    int i;

    Cursor(List<Token> tokens, int start) {
        this.tokens = tokens;
        this.i = start;
    }

    boolean atEnd() {
        return i >= tokens.size();
    }

    Token peek() {
        return atEnd() ? null : tokens.get(i);
    }

    Token peek(int ahead) {
        return i + ahead < tokens.size() ? tokens.get(i + ahead) : null;
    }

    boolean isWord(String w) {
        return !atEnd() && tokens.get(i).isWord(w);
    }

    boolean isPunct(char c) {
        return !atEnd() && tokens.get(i).isPunctuation(c);
    }

    /** Consumes the words when all of them come next, in order. */
    boolean accept(String... words) {
        for (int k = 0; k < words.length; k++) {
            Token t = peek(k);
            if (t == null || !t.isWord(words[k])) {
                return false;
            }
        }
        i += words.length;
        return true;
    }

    boolean acceptPunct(char c) {
        if (isPunct(c)) {
            i++;
            return true;
        }
        return false;
    }

    Token next() {
        return atEnd() ? null : tokens.get(i++);
    }

    /**
     * A possibly qualified name ({@code schema.table}, quoted parts kept as written), lower-cased
     * unless quoted; the {@code public.} schema is dropped so both spellings name one table.
     */
    Name name() {
        if (atEnd() || !isNamePart(peek())) {
            return null;
        }
        Token first = peek();
        List<String> parts = new ArrayList<>();
        parts.add(part(next()));
        while (isPunct('.') && peek(1) != null && isNamePart(peek(1))) {
            i++;
            parts.add(part(next()));
        }
        if (parts.size() > 1 && parts.get(0).equals("public")) {
            parts.remove(0);
        }
        return new Name(String.join(".", parts), first);
    }

    /** A comma-separated list of names (DROP TABLE a, b). */
    List<Name> names() {
        List<Name> out = new ArrayList<>();
        Name n = name();
        while (n != null) {
            out.add(n);
            if (!acceptPunct(',')) {
                break;
            }
            n = name();
        }
        return out;
    }

    /** Skips a parenthesised group starting at the cursor; returns the tokens inside it. */
    List<Token> group() {
        if (!isPunct('(')) {
            return List.of();
        }
        int start = ++i;
        int depth = 1;
        while (!atEnd()) {
            Token t = next();
            if (t.isPunctuation('(')) {
                depth++;
            } else if (t.isPunctuation(')') && --depth == 0) {
                return tokens.subList(start, i - 1);
            }
        }
        return tokens.subList(start, tokens.size());
    }

    /** Tokens up to (not including) the next top-level comma or the end; the comma is consumed. */
    List<Token> untilComma() {
        int start = i;
        int depth = 0;
        while (!atEnd()) {
            Token t = peek();
            if (t.isPunctuation('(') || t.isPunctuation('[')) {
                depth++;
            } else if (t.isPunctuation(')') || t.isPunctuation(']')) {
                depth--;
            } else if (depth == 0 && t.isPunctuation(',')) {
                List<Token> out = tokens.subList(start, i);
                i++;
                return out;
            }
            i++;
        }
        return tokens.subList(start, i);
    }

    /** True when the word occurs anywhere from here on at parenthesis depth 0. */
    boolean hasTopLevelWord(String word) {
        int depth = 0;
        for (int k = i; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (t.isPunctuation('(')) {
                depth++;
            } else if (t.isPunctuation(')')) {
                depth--;
            } else if (depth == 0 && t.isWord(word)) {
                return true;
            }
        }
        return false;
    }

    static boolean isNamePart(Token t) {
        return t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENTIFIER;
    }

    static String part(Token t) {
        return t.kind() == TokenKind.QUOTED_IDENTIFIER ? t.value() : t.value().toLowerCase(Locale.ROOT);
    }

    /** The names of a parenthesised column list: {@code (a, "B", lower(c))} gives a, B and the expression's text. */
    static List<String> columnList(List<Token> inside) {
        List<String> out = new ArrayList<>();
        Cursor c = new Cursor(inside, 0);
        while (!c.atEnd()) {
            List<Token> item = c.untilComma();
            if (item.isEmpty()) {
                continue;
            }
            Token first = item.get(0);
            out.add(item.size() >= 1 && isNamePart(first) && (item.size() == 1 || !item.get(1).isPunctuation('('))
                    ? part(first) : text(item));
        }
        return out;
    }

    /** The tokens' source text joined by single spaces, lower-cased words; for types and expressions. */
    static String text(List<Token> ts) {
        StringBuilder b = new StringBuilder();
        Token prev = null;
        for (Token t : ts) {
            boolean tight = prev != null && (t.isPunctuation('(') || t.isPunctuation(')') || t.isPunctuation(',')
                    || t.isPunctuation('.') || prev.isPunctuation('(') || prev.isPunctuation('.')
                    || t.isPunctuation('[') || t.isPunctuation(']') || prev.isPunctuation('['));
            if (prev != null && !tight) {
                b.append(' ');
            }
            b.append(t.kind() == TokenKind.WORD ? t.value() : t.text());
            prev = t;
        }
        return b.toString();
    }
}
