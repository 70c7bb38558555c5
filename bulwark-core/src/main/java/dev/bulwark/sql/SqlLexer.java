package dev.bulwark.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns PostgreSQL source text into {@link Token}s, following the server's own scanner
 * ({@code src/backend/parser/scan.l}) with {@code standard_conforming_strings = on}.
 *
 * <p>Hand-written on purpose: general SQL parsers such as JSqlParser cannot parse the statements
 * a safe migration is made of ({@code CREATE INDEX CONCURRENTLY}, {@code ADD CONSTRAINT … NOT
 * VALID}, {@code ADD … USING INDEX}, dollar-quoted bodies), and Bulwark only needs tokens with
 * exact positions and statement boundaries, not a syntax tree. One pass over the characters,
 * no regular expressions, so it stays linear on any input.
 *
 * <p>Comments and whitespace are skipped. Tokens come one at a time from {@link #next()}, so a
 * caller (the {@link SqlSplitter}) can stop before text that is not SQL, such as the data after
 * {@code COPY … FROM stdin}.
 *
 * <p>Refused, as {@link SqlSyntaxException} with the position where the construct starts:
 * unterminated strings, quoted identifiers, dollar quotes and block comments, zero-length quoted
 * identifiers, backslashes outside strings (psql meta-commands) and characters PostgreSQL does
 * not accept outside quotes. Escape sequences inside strings are decoded best-effort; the server
 * stays the authority on invalid escapes.
 */
public final class SqlLexer {
    private static final String PSQL_FIX = "psql meta-commands are not SQL; remove it or run that part with psql";

    private final String sql;
    private final String source;
    private final int length;
    private int pos;

    // Line bookkeeping is synced lazily, and only forwards, up to the start of each token.
    private int syncedTo;
    private int line;
    private int lineStart;

    /*
     * End of a run of '+' and '-' characters already known to lex as one-character operators
     * (see lexOperator); without it a long run such as "+-+-+-…" would be rescanned per token.
     */
    private int plusMinusTailEnd = -1;

    /**
     * @param sql       the text to lex
     * @param source    the file name used in positions and messages
     * @param firstLine 1-based line in the file where {@code sql} starts
     */
    public SqlLexer(String sql, String source, int firstLine) {
        this.sql = Objects.requireNonNull(sql, "sql");
        this.source = Objects.requireNonNull(source, "source");
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine must be at least 1, was " + firstLine);
        }
        this.length = sql.length();
        this.line = firstLine;
        // A byte order mark is an encoding artefact, not part of the first token.
        this.pos = length > 0 && sql.charAt(0) == '\uFEFF' ? 1 : 0;
        this.lineStart = pos;
    }

    /** All tokens of {@code sql}. */
    public static List<Token> tokenize(String sql, String source, int firstLine) {
        SqlLexer lexer = new SqlLexer(sql, source, firstLine);
        List<Token> tokens = new ArrayList<>();
        for (Token t = lexer.next(); t != null; t = lexer.next()) {
            tokens.add(t);
        }
        return tokens;
    }

    /** The next token, or {@code null} at the end of the text. */
    public Token next() {
        skipWhitespaceAndComments();
        if (pos >= length) {
            return null;
        }
        int start = pos;
        char c = sql.charAt(start);
        if (isIdentStart(c)) {
            return lexWordOrPrefixedQuote(start);
        }
        if (isDigit(c) || (c == '.' && isDigit(charAt(start + 1)))) {
            return lexNumber(start);
        }
        switch (c) {
            case '\'':
                return lexString(start, start + 1, StringFlavor.PLAIN);
            case '"':
                return lexQuotedIdentifier(start, start + 1, false);
            case '$':
                return lexDollar(start);
            case '(': case ')': case '[': case ']': case ',': case ';':
                return token(TokenKind.PUNCTUATION, start, start + 1, String.valueOf(c));
            case '.':
                return charAt(start + 1) == '.'
                        ? token(TokenKind.OPERATOR, start, start + 2, "..")
                        : token(TokenKind.PUNCTUATION, start, start + 1, ".");
            case ':': {
                char n = charAt(start + 1);
                if (n == ':' || n == '=') {
                    return token(TokenKind.OPERATOR, start, start + 2, sql.substring(start, start + 2));
                }
                return token(TokenKind.PUNCTUATION, start, start + 1, ":");
            }
            case '\\':
                throw metaCommand(start);
            default:
                if (isOpChar(c)) {
                    return lexOperator(start);
                }
                throw error(start, "unexpected character " + describeChar(c) + " outside any string or quoted identifier",
                        "remove it, or put it inside a string ('…') or a quoted identifier (\"…\")");
        }
    }

    // ---- whitespace and comments -------------------------------------------------------------

    private void skipWhitespaceAndComments() {
        while (pos < length) {
            char c = sql.charAt(pos);
            if (isWhitespace(c)) {
                pos++;
            } else if (c == '-' && charAt(pos + 1) == '-') {
                pos = endOfLine(pos);
            } else if (c == '/' && charAt(pos + 1) == '*') {
                int end = endOfBlockComment(pos);
                if (end < 0) {
                    throw error(pos, "unterminated block comment: the /* here is never closed",
                            "close it with */; block comments nest, so every /* inside it needs its own */");
                }
                pos = end;
            } else {
                return;
            }
        }
    }

    private int endOfLine(int from) {
        int i = from;
        while (i < length && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
            i++;
        }
        return i;
    }

    /** Index just after the block comment opening at {@code from}, or -1 if it never closes. */
    private int endOfBlockComment(int from) {
        int depth = 1;
        int i = from + 2;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '/' && charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && charAt(i + 1) == '/') {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * Index after whitespace and comments from {@code from}, without side effects;
     * an unterminated block comment simply stops the skip (the main loop reports it).
     */
    private int peekPastWhitespaceAndComments(int from) {
        int i = from;
        while (i < length) {
            char c = sql.charAt(i);
            if (isWhitespace(c)) {
                i++;
            } else if (c == '-' && charAt(i + 1) == '-') {
                i = endOfLine(i);
            } else if (c == '/' && charAt(i + 1) == '*') {
                int end = endOfBlockComment(i);
                if (end < 0) {
                    return i;
                }
                i = end;
            } else {
                break;
            }
        }
        return i;
    }

    // ---- words and prefixed quotes ----------------------------------------------------------

    private Token lexWordOrPrefixedQuote(int start) {
        char c = sql.charAt(start);
        char n = charAt(start + 1);
        if (n == '\'') {
            switch (c) {
                case 'e': case 'E':
                    return lexString(start, start + 2, StringFlavor.ESCAPE);
                case 'b': case 'B':
                    return lexString(start, start + 2, StringFlavor.BIT);
                case 'x': case 'X':
                    return lexString(start, start + 2, StringFlavor.HEX);
                case 'n': case 'N':
                    return lexString(start, start + 2, StringFlavor.PLAIN);
                default:
                    break;
            }
        }
        if ((c == 'u' || c == 'U') && n == '&') {
            char q = charAt(start + 2);
            if (q == '\'') {
                return lexString(start, start + 3, StringFlavor.UNICODE);
            }
            if (q == '"') {
                return lexQuotedIdentifier(start, start + 3, true);
            }
        }
        int end = start + 1;
        while (end < length && isIdentCont(sql.charAt(end))) {
            end++;
        }
        return token(TokenKind.WORD, start, end, asciiLowerCase(sql, start, end));
    }

    /*
     * PostgreSQL folds only ASCII letters when the server encoding is multi-byte (UTF-8);
     * String.toLowerCase would also fold 'Ö' and, in some default locales, turn 'I' into a
     * dotless 'ı'. Folding A-Z by hand matches the catalog names exactly.
     */
    static String asciiLowerCase(String s, int from, int to) {
        char[] out = null;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = s.substring(from, to).toCharArray();
                }
                out[i - from] = (char) (c + ('a' - 'A'));
            }
        }
        return out == null ? s.substring(from, to) : new String(out);
    }

    // ---- strings ------------------------------------------------------------------------------

    private enum StringFlavor { PLAIN, ESCAPE, UNICODE, BIT, HEX }

    /**
     * A string constant whose opening quote is at {@code bodyStart - 1}. Segments separated by
     * whitespace containing a newline are one constant ({@code 'a'\n'b'} is {@code 'ab'}).
     */
    private Token lexString(int start, int bodyStart, StringFlavor flavor) {
        StringBuilder value = new StringBuilder();
        ByteArrayOutputStream pendingBytes = flavor == StringFlavor.ESCAPE ? new ByteArrayOutputStream() : null;
        int i = bodyStart;
        while (true) {
            if (i >= length) {
                throw unterminatedString(start, flavor);
            }
            char c = sql.charAt(i);
            if (c == '\'') {
                // B'' and X'' have no doubled-quote escape: the server ends them at the first quote.
                if (charAt(i + 1) == '\'' && flavor != StringFlavor.BIT && flavor != StringFlavor.HEX) {
                    flush(pendingBytes, value);
                    value.append('\'');
                    i += 2;
                    continue;
                }
                int next = continuationQuote(i + 1);
                if (next < 0) {
                    i++;
                    break;
                }
                i = next + 1;
            } else if (c == '\\' && flavor == StringFlavor.ESCAPE) {
                if (i + 1 >= length) {
                    throw unterminatedString(start, flavor);
                }
                i = decodeBackslashEscape(i, value, pendingBytes);
            } else {
                flush(pendingBytes, value);
                value.append(c);
                i++;
            }
        }
        flush(pendingBytes, value);
        int end = i;
        String decoded = value.toString();
        if (flavor == StringFlavor.UNICODE) {
            int[] escape = uescapeClause(end);
            char escapeChar = '\\';
            if (escape != null) {
                escapeChar = (char) escape[1];
                end = escape[0];
            }
            decoded = decodeUnicodeEscapes(decoded, escapeChar);
        }
        return token(TokenKind.STRING, start, end, decoded);
    }

    /**
     * When the text from {@code from} is whitespace and line comments holding at least one
     * newline, followed by a quote, the index of that quote; else -1.
     */
    private int continuationQuote(int from) {
        int i = from;
        boolean newline = false;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\n' || c == '\r') {
                newline = true;
                i++;
            } else if (isWhitespace(c)) {
                i++;
            } else if (c == '-' && charAt(i + 1) == '-') {
                i = endOfLine(i);
            } else {
                break;
            }
        }
        return newline && charAt(i) == '\'' ? i : -1;
    }

    /** Decodes the E-string escape at {@code i} (a backslash) and returns the index after it. */
    private int decodeBackslashEscape(int i, StringBuilder value, ByteArrayOutputStream pendingBytes) {
        char e = sql.charAt(i + 1);
        if (e >= '0' && e <= '7') {
            int j = i + 1;
            int v = 0;
            while (j < length && j < i + 4 && sql.charAt(j) >= '0' && sql.charAt(j) <= '7') {
                v = v * 8 + (sql.charAt(j) - '0');
                j++;
            }
            pendingBytes.write(v & 0xFF);
            return j;
        }
        if (e == 'x' && hexValue(charAt(i + 2)) >= 0) {
            int j = i + 2;
            int v = 0;
            while (j < length && j < i + 4 && hexValue(sql.charAt(j)) >= 0) {
                v = v * 16 + hexValue(sql.charAt(j));
                j++;
            }
            pendingBytes.write(v);
            return j;
        }
        if (e == 'u' || e == 'U') {
            int digits = e == 'u' ? 4 : 8;
            int cp = hexNumber(i + 2, digits);
            if (cp >= 0) {
                flush(pendingBytes, value);
                appendCodePoint(value, cp);
                return i + 2 + digits;
            }
        }
        flush(pendingBytes, value);
        switch (e) {
            case 'b': value.append('\b'); break;
            case 'f': value.append('\f'); break;
            case 'n': value.append('\n'); break;
            case 'r': value.append('\r'); break;
            case 't': value.append('\t'); break;
            case 'v': value.append('\u000B'); break;
            default: value.append(e); break;
        }
        return i + 2;
    }

    /** Octal and hex escapes are bytes of the UTF-8 encoding; decode them together. */
    private static void flush(ByteArrayOutputStream pendingBytes, StringBuilder value) {
        if (pendingBytes != null && pendingBytes.size() > 0) {
            value.append(new String(pendingBytes.toByteArray(), StandardCharsets.UTF_8));
            pendingBytes.reset();
        }
    }

    /**
     * An optional {@code UESCAPE 'c'} after a {@code U&} constant: {end index, escape char},
     * or null when there is none (or it is malformed: the server reports that).
     */
    private int[] uescapeClause(int from) {
        int i = peekPastWhitespaceAndComments(from);
        if (!regionIsWord(i, "uescape")) {
            return null;
        }
        int q = peekPastWhitespaceAndComments(i + 7);
        if (charAt(q) == '\'' && q + 2 < length && sql.charAt(q + 1) != '\'' && sql.charAt(q + 2) == '\'') {
            return new int[] {q + 3, sql.charAt(q + 1)};
        }
        return null;
    }

    private boolean regionIsWord(int at, String lowerWord) {
        int end = at + lowerWord.length();
        return end <= length
                && sql.regionMatches(true, at, lowerWord, 0, lowerWord.length())
                && (at == 0 || !isIdentCont(sql.charAt(at - 1)))
                && (end >= length || !isIdentCont(sql.charAt(end)));
    }

    /** {@code U&} escapes: {@code \XXXX}, {@code \+XXXXXX}, {@code \\}, with any escape character. */
    private static String decodeUnicodeEscapes(String raw, char escape) {
        if (raw.indexOf(escape) < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != escape) {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < raw.length() && raw.charAt(i + 1) == escape) {
                out.append(escape);
                i += 2;
                continue;
            }
            boolean plus = i + 1 < raw.length() && raw.charAt(i + 1) == '+';
            int digits = plus ? 6 : 4;
            int from = plus ? i + 2 : i + 1;
            int cp = hexNumber(raw, from, digits);
            if (cp >= 0) {
                appendCodePoint(out, cp);
                i = from + digits;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void appendCodePoint(StringBuilder out, int cp) {
        if (Character.isValidCodePoint(cp)) {
            out.appendCodePoint(cp);
        } else {
            out.append('\uFFFD');
        }
    }

    private int hexNumber(int from, int digits) {
        return hexNumber(sql, from, digits);
    }

    private static int hexNumber(String s, int from, int digits) {
        if (from + digits > s.length()) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < from + digits; i++) {
            int h = hexValue(s.charAt(i));
            if (h < 0) {
                return -1;
            }
            v = v * 16 + h;
        }
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    private SqlSyntaxException unterminatedString(int start, StringFlavor flavor) {
        switch (flavor) {
            case ESCAPE:
                return error(start, "unterminated string constant: the E' here is never closed",
                        "close it with '; inside E'…' a backslash escapes the next character, so \\' does not end"
                                + " the string: write a backslash as \\\\");
            case BIT:
            case HEX:
                return error(start, "unterminated bit-string constant: the " + sql.substring(start, start + 2)
                        + " here is never closed", "close it with '");
            default:
                return error(start, "unterminated string constant: the ' here is never closed",
                        "close it with '; write a quote inside a string as ''");
        }
    }

    // ---- quoted identifiers -------------------------------------------------------------------

    private Token lexQuotedIdentifier(int start, int bodyStart, boolean unicode) {
        StringBuilder value = new StringBuilder();
        int i = bodyStart;
        while (true) {
            if (i >= length) {
                throw error(start, "unterminated quoted identifier: the \" here is never closed",
                        "close it with \"; write a double quote inside an identifier as \"\"");
            }
            char c = sql.charAt(i);
            if (c == '"') {
                if (charAt(i + 1) == '"') {
                    value.append('"');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            value.append(c);
            i++;
        }
        if (value.length() == 0) {
            throw error(start, "zero-length quoted identifier " + sql.substring(start, i),
                    "write a name between the double quotes, or remove them");
        }
        int end = i;
        String decoded = value.toString();
        if (unicode) {
            int[] escape = uescapeClause(end);
            char escapeChar = '\\';
            if (escape != null) {
                escapeChar = (char) escape[1];
                end = escape[0];
            }
            decoded = decodeUnicodeEscapes(decoded, escapeChar);
        }
        return token(TokenKind.QUOTED_IDENTIFIER, start, end, decoded);
    }

    // ---- dollar quotes and parameters --------------------------------------------------------

    private Token lexDollar(int start) {
        char n = charAt(start + 1);
        if (isDigit(n)) {
            int end = start + 1;
            while (end < length && isDigit(sql.charAt(end))) {
                end++;
            }
            return token(TokenKind.PARAMETER, start, end, sql.substring(start, end));
        }
        int tagEnd = start + 1;
        if (isIdentStart(n)) {
            // Tags follow identifier rules, except that they cannot contain '$'.
            tagEnd++;
            while (tagEnd < length && isIdentCont(sql.charAt(tagEnd)) && sql.charAt(tagEnd) != '$') {
                tagEnd++;
            }
        }
        if (charAt(tagEnd) != '$') {
            throw error(start, "unexpected character '$' outside any string or quoted identifier",
                    "a dollar-quoted string looks like $$…$$ or $tag$…$tag$ and a parameter like $1");
        }
        String delimiter = sql.substring(start, tagEnd + 1);
        int bodyStart = tagEnd + 1;
        int close = sql.indexOf(delimiter, bodyStart);
        if (close < 0) {
            throw error(start, "unterminated dollar-quoted string: the " + delimiter + " here is never closed",
                    "close it with " + delimiter + ", spelled exactly the same (tags are case-sensitive)");
        }
        return token(TokenKind.STRING, start, close + delimiter.length(), sql.substring(bodyStart, close));
    }

    // ---- numbers ------------------------------------------------------------------------------

    /*
     * decinteger  digit (_? digit)*         0x / 0o / 0b integers with the same underscores
     * numeric     decinteger . decinteger?  |  . decinteger
     * real        (decinteger | numeric) [eE] [+-]? decinteger
     * "1..10" is 1, "..", 10. Trailing junk such as "123abc" lexes as a number and a word:
     * the server rejects it with its own message.
     */
    private Token lexNumber(int start) {
        int i = start;
        char c = sql.charAt(i);
        if (c == '0') {
            char radix = charAt(i + 1);
            int base = radix == 'x' || radix == 'X' ? 16 : radix == 'o' || radix == 'O' ? 8
                    : radix == 'b' || radix == 'B' ? 2 : 0;
            if (base != 0) {
                int end = digitsWithUnderscores(i + 2, base, true);
                if (end > i + 2) {
                    return number(start, end);
                }
            }
        }
        if (c != '.') {
            i = digitsWithUnderscores(i, 10, false);
        }
        if (charAt(i) == '.' && charAt(i + 1) != '.') {
            int afterDot = i + 1;
            int fraction = isDigit(charAt(afterDot)) ? digitsWithUnderscores(afterDot, 10, false) : afterDot;
            i = fraction;
        }
        char e = charAt(i);
        if (e == 'e' || e == 'E') {
            int j = i + 1;
            if (charAt(j) == '+' || charAt(j) == '-') {
                j++;
            }
            if (isDigit(charAt(j))) {
                i = digitsWithUnderscores(j, 10, false);
            }
        }
        return number(start, i);
    }

    /**
     * End of a digit run from {@code from}; single underscores are allowed between digits
     * (and, after a radix prefix, before the first digit).
     */
    private int digitsWithUnderscores(int from, int base, boolean leadingUnderscore) {
        int i = from;
        boolean first = true;
        while (i < length) {
            char c = sql.charAt(i);
            if (isDigitOf(c, base)) {
                i++;
            } else if (c == '_' && (!first || leadingUnderscore) && isDigitOf(charAt(i + 1), base)) {
                i += 2;
            } else {
                break;
            }
            first = false;
        }
        return i;
    }

    private Token number(int start, int end) {
        return token(TokenKind.NUMBER, start, end, sql.substring(start, end));
    }

    // ---- operators ----------------------------------------------------------------------------

    /*
     * As the server: the longest run of operator characters, cut before any "--" or "/*" (a
     * comment starts there), and a multi-character operator may end in '+' or '-' only if it
     * contains one of ~ ! @ # % ^ & | ` ? (so "a=-1" is "a", "=", "-", "1").
     */
    private Token lexOperator(int start) {
        if (start < plusMinusTailEnd) {
            return operator(start, start + 1);
        }
        int end = start;
        boolean special = false;
        int lastSpecial = -1;
        while (end < length && isOpChar(sql.charAt(end))) {
            char c = sql.charAt(end);
            if (end > start && ((c == '-' && sql.charAt(end - 1) == '-') || (c == '*' && sql.charAt(end - 1) == '/'))) {
                end--;
                break;
            }
            if (isSpecialOpChar(c)) {
                special = true;
                lastSpecial = end;
            }
            end++;
        }
        int n = end - start;
        char last = sql.charAt(end - 1);
        if (n > 1 && (last == '+' || last == '-')) {
            boolean specialBeforeLast = special && lastSpecial < end - 1;
            if (!specialBeforeLast) {
                int cut = end - 1;
                while (cut - start > 1 && (sql.charAt(cut - 1) == '+' || sql.charAt(cut - 1) == '-')) {
                    cut--;
                }
                // Everything from cut to end is '+'/'-' with no special char: one-char operators.
                plusMinusTailEnd = end;
                end = cut;
            }
        }
        return operator(start, end);
    }

    private Token operator(int start, int end) {
        String text = sql.substring(start, end);
        return token(TokenKind.OPERATOR, start, end, text);
    }

    // ---- psql ---------------------------------------------------------------------------------

    /* psql treats every backslash outside quotes as the start of a meta-command, even mid-line. */
    private SqlSyntaxException metaCommand(int start) {
        int end = start + 1;
        while (end < length && !isWhitespace(sql.charAt(end)) && end - start < 40) {
            end++;
        }
        String command = sql.substring(start, end);
        return error(start, "psql meta-command " + command + " is not SQL", PSQL_FIX);
    }

    // ---- positions and tokens -----------------------------------------------------------------

    private Token token(TokenKind kind, int start, int end, String value) {
        pos = end;
        syncTo(start);
        return new Token(kind, sql.substring(start, end), value, start, line, start - lineStart + 1);
    }

    private SqlSyntaxException error(int at, String problem, String fix) {
        syncTo(at);
        return new SqlSyntaxException(source, line, at - lineStart + 1, problem, fix);
    }

    /* A line break is "\n", "\r\n" (counted once, at the "\n") or a lone "\r". */
    private void syncTo(int target) {
        for (int i = syncedTo; i < target; i++) {
            char c = sql.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= length || sql.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        if (target > syncedTo) {
            syncedTo = target;
        }
    }

    private char charAt(int i) {
        return i < length ? sql.charAt(i) : '\0';
    }

    // ---- character classes (scan.l) ----------------------------------------------------------

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /* The server's ident_start includes every byte >= 0x80, so any non-ASCII character. */
    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDigitOf(char c, int base) {
        if (base == 16) {
            return hexValue(c) >= 0;
        }
        return c >= '0' && c < '0' + base;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isOpChar(char c) {
        return "~!@#^&|`?+-*/%<>=".indexOf(c) >= 0;
    }

    private static boolean isSpecialOpChar(char c) {
        return "~!@#^&|`?%".indexOf(c) >= 0;
    }

    private static String describeChar(char c) {
        String hex = String.format("U+%04X", (int) c);
        return c < 0x20 || c == 0x7F ? hex : "'" + c + "' (" + hex + ")";
    }
}
