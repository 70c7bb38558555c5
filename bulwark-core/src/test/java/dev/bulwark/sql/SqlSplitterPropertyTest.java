package dev.bulwark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

class SqlSplitterPropertyTest {

    /** Pieces that exercise every lexer state, in any order, so most inputs are broken SQL. */
    private static final String[] FRAGMENTS = {
        "'", "''", "\"", "\"\"", "$", "$$", "$a$", "$A$", "$1", "/*", "*/", "--", "\n", "\r", "\r\n", " ", "\t",
        ";", "(", ")", "\\", "\\connect", "E'", "e'", "U&'", "U&\"", "UESCAPE", "'!'", "B'", "X'", "N'",
        "begin", "atomic", "end", "case", "create", "function", "copy", "from", "stdin", "select", "x", "1",
        ".", "..", "5e", "0x", "_", "+", "-", "*", "/", "=", "<", ">", "!", "@", "#", ":", "::", "{", "é",
        "\uD83D\uDE00", "\u0000", "\uFEFF",
    };

    @Property
    void anyInputSplitsOrIsRefusedWithAPositionInsideTheInput(@ForAll("anyText") String sql,
            @ForAll @IntRange(min = 1, max = 1000) int firstLine) {
        splitsOrIsRefusedWithAPositionInside(sql, firstLine);
    }

    @Property
    void sqlLikeInputSplitsOrIsRefusedWithAPositionInsideTheInput(@ForAll("sqlLikeText") String sql,
            @ForAll @IntRange(min = 1, max = 1000) int firstLine) {
        splitsOrIsRefusedWithAPositionInside(sql, firstLine);
    }

    // Combined edge cases of the statement generators outnumber the tries and crowd out random ones.
    @Property(edgeCases = EdgeCasesMode.NONE)
    void validStatementsJoinedBySemicolonsSplitBackIntoThemselves(
            @ForAll("statementLists") List<String> statements,
            @ForAll("separators") String separator,
            @ForAll @IntRange(min = 1, max = 1000) int firstLine) {
        String script = String.join(separator, statements) + (statements.size() % 2 == 0 ? ";\n" : "");
        List<Statement> split = SqlSplitter.split(script, "gen.sql", firstLine);
        assertThat(split).extracting(Statement::sql).containsExactlyElementsOf(statements);
        int from = 0;
        for (int i = 0; i < statements.size(); i++) {
            int offset = script.indexOf(statements.get(i), from);
            assertThat(split.get(i).line()).as("line of statement %d", i)
                    .isEqualTo(firstLine + lineIndex(script, offset));
            assertThat(split.get(i).column()).as("column of statement %d", i)
                    .isEqualTo(offset - lineStart(script, offset) + 1);
            from = offset + statements.get(i).length();
        }
    }

    // Combined edge cases of the statement generators outnumber the tries and crowd out random ones.
    @Property(edgeCases = EdgeCasesMode.NONE)
    void everyTokenIsTheSourceTextAtItsOffsetLineAndColumn(@ForAll("scripts") String sql,
            @ForAll @IntRange(min = 1, max = 50) int firstLine) {
        List<Token> tokens = SqlLexer.tokenize(sql, "gen.sql", firstLine);
        int previousEnd = 0;
        for (Token t : tokens) {
            assertThat(t.offset()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(sql.substring(t.offset(), t.offset() + t.text().length())).isEqualTo(t.text());
            assertThat(t.line()).isEqualTo(firstLine + lineIndex(sql, t.offset()));
            assertThat(t.column()).isEqualTo(t.offset() - lineStart(sql, t.offset()) + 1);
            previousEnd = t.offset() + t.text().length();
        }
    }

    @Property
    void lexedTokensOfAnySqlLikeInputAreTheSourceTextAtTheirOffsets(@ForAll("sqlLikeText") String sql) {
        List<Token> tokens;
        try {
            tokens = SqlLexer.tokenize(sql, "gen.sql", 1);
        } catch (SqlSyntaxException e) {
            Assume.that(false);
            return;
        }
        for (Token t : tokens) {
            assertThat(sql.substring(t.offset(), t.offset() + t.text().length())).isEqualTo(t.text());
            assertThat(t.text()).isNotEmpty();
        }
    }

    private static void splitsOrIsRefusedWithAPositionInside(String sql, int firstLine) {
        try {
            List<Statement> statements = SqlSplitter.split(sql, "any.sql", firstLine);
            for (Statement s : statements) {
                assertThat(s.tokens()).isNotEmpty();
                assertThat(s.line()).isEqualTo(s.tokens().get(0).line());
                assertThat(sql).contains(s.sql());
            }
        } catch (SqlSyntaxException e) {
            int lines = lineIndex(sql, sql.length()) + 1;
            assertThat(e.line()).isBetween(firstLine, firstLine + lines - 1);
            assertThat(e.column()).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(sql.length() + 1);
            assertThat(e.getMessage()).startsWith("any.sql:" + e.line() + ":" + e.column() + ": ");
            assertThat(e.fix()).isNotBlank();
        }
    }

    /** 0-based index of the line holding {@code offset}; "\r\n" is one break, a lone "\r" is one. */
    private static int lineIndex(String s, int offset) {
        int line = 0;
        for (int i = 0; i < offset; i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n'))) {
                line++;
            }
        }
        return line;
    }

    private static int lineStart(String s, int offset) {
        int start = 0;
        for (int i = 0; i < offset; i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n'))) {
                start = i + 1;
            }
        }
        return start;
    }

    // ---- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    @Provide
    Arbitrary<String> sqlLikeText() {
        return Arbitraries.of(FRAGMENTS).list().ofMaxSize(40).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<List<String>> statementLists() {
        return statement().list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> scripts() {
        return Combinators.combine(statementLists(), separators())
                .as((statements, separator) -> String.join(separator, statements));
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(";\n", ";", ";\r\n", ";\n\n", "; -- after; it\n", ";\n/* ; */ ;\n", ";;\n");
    }

    /** A statement that starts and ends with a token, with any pieces between. */
    private static Arbitrary<String> statement() {
        Arbitrary<String> verb = Arbitraries.of("SELECT", "select", "Insert", "UPDATE", "CREATE TABLE", "ALTER TABLE");
        return Combinators.combine(verb, piece().list().ofMaxSize(8), tokenPiece())
                .as((v, middle, last) -> {
                    List<String> parts = new ArrayList<>();
                    parts.add(v);
                    parts.addAll(middle);
                    parts.add(last);
                    return String.join(" ", parts);
                });
    }

    private static Arbitrary<String> piece() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, tokenPiece()),
                Tuple.of(1, lineComment()),
                Tuple.of(1, blockComment()),
                Tuple.of(1, parenthesised()));
    }

    private static Arbitrary<String> tokenPiece() {
        return Arbitraries.oneOf(word(), number(), plainString(), escapeString(), dollarQuoted(), quotedIdentifier(),
                Arbitraries.of("+", "=", "<>", "::", "||", "->>", ",", ".", "*", "$1", "[", "]"));
    }

    private static Arbitrary<String> word() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    }

    private static Arbitrary<String> number() {
        return Arbitraries.of("1", "42", "1.5e10", ".5", "0x1F", "1_000", "3.14");
    }

    private static Arbitrary<String> plainString() {
        return Arbitraries.of("a", ";", "''", "\"", "$$", "\\", "\n", "--", "/*", " ", "é")
                .list().ofMaxSize(6).map(parts -> "'" + String.join("", parts) + "'");
    }

    private static Arbitrary<String> escapeString() {
        return Arbitraries.of("a", ";", "''", "\\'", "\\\\", "\\n", "\"", "\n")
                .list().ofMaxSize(6).map(parts -> "E'" + String.join("", parts) + "'");
    }

    private static Arbitrary<String> dollarQuoted() {
        Arbitrary<String> tag = Arbitraries.of("", "x", "body", "_t1");
        Arbitrary<String> body = Arbitraries.of("a", ";", "'", "\"", "--", "/*", "$", "\n", "$x$", "BEGIN", "END;")
                .list().ofMaxSize(6).map(parts -> String.join("", parts));
        return Combinators.combine(tag, body).as((t, b) -> {
            String delimiter = "$" + t + "$";
            return (b + delimiter).indexOf(delimiter) == b.length() ? delimiter + b + delimiter : delimiter + delimiter;
        });
    }

    private static Arbitrary<String> quotedIdentifier() {
        return Arbitraries.of("a", "B", ";", "\"\"", "'", "--", " ", "/*")
                .list().ofMinSize(1).ofMaxSize(5).map(parts -> "\"" + String.join("", parts) + "\"");
    }

    /*
     * Followed by a word: two string constants separated by a newline are one constant, and the
     * second then inherits the first's escapes (E'' then '\' is unterminated on the server too).
     */
    private static Arbitrary<String> lineComment() {
        return Arbitraries.of("x", ";", "'", "\"", "$$", "/*").list().ofMaxSize(4)
                .map(parts -> "-- " + String.join("", parts) + "\nw");
    }

    private static Arbitrary<String> blockComment() {
        return Arbitraries.of("x", ";", "'", "\"", "\n", "/* nested; */", "--").list().ofMaxSize(4)
                .map(parts -> "/* " + String.join("", parts) + " */");
    }

    private static Arbitrary<String> parenthesised() {
        return Arbitraries.oneOf(tokenPiece(), Arbitraries.just(";")).list().ofMaxSize(5)
                .map(parts -> "( " + String.join(" ", parts) + " )");
    }
}
