package dev.bulwark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlLexerTest {

    private static List<Token> lex(String sql) {
        return SqlLexer.tokenize(sql, "m.sql", 1);
    }

    private static List<String> texts(String sql) {
        return lex(sql).stream().map(Token::text).collect(Collectors.toList());
    }

    private static Token only(String sql) {
        List<Token> tokens = lex(sql);
        assertThat(tokens).as("tokens of %s", sql).hasSize(1);
        return tokens.get(0);
    }

    private static SqlSyntaxException refusal(String sql) {
        try {
            lex(sql);
        } catch (SqlSyntaxException e) {
            return e;
        }
        throw new AssertionError("expected a SqlSyntaxException for: " + sql);
    }

    @Test
    void wordsKeepTheirTextAndHaveALowerCasedValue() {
        assertThat(lex("CREATE Index conCurrently"))
                .extracting(Token::kind, Token::text, Token::value)
                .containsExactly(
                        tuple(TokenKind.WORD, "CREATE", "create"),
                        tuple(TokenKind.WORD, "Index", "index"),
                        tuple(TokenKind.WORD, "conCurrently", "concurrently"));
    }

    @Test
    void lowerCasingDoesNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(only("INDEX").value()).isEqualTo("index");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void onlyAsciiLettersAreFoldedLikeTheServerDoesInUtf8() {
        // The server keeps non-ASCII letters as written: CREATE TABLE GRÖSSE makes "grÖsse".
        assertThat(only("GRÖSSE").value()).isEqualTo("grÖsse");
    }

    @Test
    void identifiersMayContainDigitsDollarsAndNonAsciiLetters() {
        assertThat(texts("a1$b _x größe")).containsExactly("a1$b", "_x", "größe");
    }

    @Test
    void everyTokenHasItsOneBasedLineAndColumnShiftedByFirstLine() {
        List<Token> tokens = SqlLexer.tokenize("SELECT\n  a,\n\tb", "m.sql", 10);
        assertThat(tokens).extracting(Token::text, Token::line, Token::column, Token::offset)
                .containsExactly(
                        tuple("SELECT", 10, 1, 0),
                        tuple("a", 11, 3, 9),
                        tuple(",", 11, 4, 10),
                        tuple("b", 12, 2, 13));
    }

    @Test
    void crLfAndALoneCrEachEndOneLine() {
        assertThat(lex("a\r\nb\rc\n\nd")).extracting(Token::line, Token::column)
                .containsExactly(tuple(1, 1), tuple(2, 1), tuple(3, 1), tuple(5, 1));
    }

    @Test
    void linesInsideStringsAndCommentsAreCounted() {
        List<Token> tokens = lex("'a\nb' /* x\n y */ -- z\n  c");
        assertThat(tokens.get(1)).extracting(Token::text, Token::line, Token::column)
                .containsExactly("c", 4, 3);
    }

    @Test
    void aLeadingByteOrderMarkIsNotPartOfTheFirstToken() {
        assertThat(lex("\uFEFFSELECT")).extracting(Token::text, Token::offset, Token::column)
                .containsExactly(tuple("SELECT", 1, 1));
    }

    @Test
    void commentsAreNotTokens() {
        assertThat(texts("a -- b ; c\nd /* e ; */ f")).containsExactly("a", "d", "f");
    }

    @Test
    void blockCommentsNest() {
        assertThat(texts("a /* x /* y */ still a comment ; */ b")).containsExactly("a", "b");
    }

    @Test
    void blockCommentClosingRunOfStarsEndsIt() {
        assertThat(texts("a /** x **/ b")).containsExactly("a", "b");
    }

    @Test
    void singleQuotedStringsDoubleTheirQuotes() {
        Token t = only("'it''s; fine'");
        assertThat(t.kind()).isEqualTo(TokenKind.STRING);
        assertThat(t.value()).isEqualTo("it's; fine");
    }

    @Test
    void backslashIsAnOrdinaryCharacterInPlainStrings() {
        Token t = only("'C:\\dir\\'");
        assertThat(t.value()).isEqualTo("C:\\dir\\");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "E'it\\'s'|it's",
            "e'it''s'|it's",
            "E'\\\\'|\\",
            "E'\\x41\\101'|AA",
            "E'\\xc3\\xa9'|é",
            "E'\\u00e9\\U0001F600'|é\uD83D\uDE00",
            "E'\\q'|q",
    })
    void escapeStringsDecodeBackslashEscapes(String sql, String value) {
        Token t = only(sql);
        assertThat(t.kind()).isEqualTo(TokenKind.STRING);
        assertThat(t.value()).isEqualTo(value);
    }

    @Test
    void escapeStringsDecodeControlCharacterEscapes() {
        assertThat(only("E'a\\nb\\tc\\r\\b\\f\\v'").value()).isEqualTo("a\nb\tc\r\b\f\u000B");
    }

    @Test
    void escapedQuoteDoesNotEndAnEscapeString() {
        assertThat(texts("E'a\\';b' c")).containsExactly("E'a\\';b'", "c");
    }

    @Test
    void unicodeStringsDecodeTheirEscapes() {
        assertThat(only("U&'d\\0061t\\+000061 \\\\'").value()).isEqualTo("data \\");
    }

    @Test
    void unicodeStringsTakeTheirEscapeCharacterFromUescape() {
        Token t = only("U&'d!0061t!!' /* c */ UESCAPE\n'!'");
        assertThat(t.text()).isEqualTo("U&'d!0061t!!' /* c */ UESCAPE\n'!'");
        assertThat(t.value()).isEqualTo("dat!");
    }

    @Test
    void unicodeQuotedIdentifiersAreUnescaped() {
        Token t = only("u&\"d\\0061t\\+000061\"");
        assertThat(t.kind()).isEqualTo(TokenKind.QUOTED_IDENTIFIER);
        assertThat(t.value()).isEqualTo("data");
    }

    @Test
    void uAmpersandWithoutAQuoteIsAWordAndAnOperator() {
        assertThat(texts("u&v")).containsExactly("u", "&", "v");
    }

    @Test
    void bitHexAndNationalStringsAreStrings() {
        assertThat(lex("B'0101' x'1F' N'näme'")).extracting(Token::kind, Token::value)
                .containsExactly(
                        tuple(TokenKind.STRING, "0101"),
                        tuple(TokenKind.STRING, "1F"),
                        tuple(TokenKind.STRING, "näme"));
    }

    @Test
    void aPrefixLetterOnlyCountsAtTheStartOfAWord() {
        assertThat(texts("fooE'x'")).containsExactly("fooE", "'x'");
    }

    @Test
    void stringsSeparatedByANewlineAreOneConstant() {
        Token t = only("'a' -- note\n  'b'\n'c'");
        assertThat(t.value()).isEqualTo("abc");
    }

    @Test
    void stringsSeparatedOnlyBySpacesAreTwoTokens() {
        assertThat(texts("'a' 'b'")).containsExactly("'a'", "'b'");
    }

    @Test
    void doubleQuotedIdentifiersDoubleTheirQuotesAndKeepTheirCase() {
        Token t = only("\"My \"\"Table\"\";\"");
        assertThat(t.kind()).isEqualTo(TokenKind.QUOTED_IDENTIFIER);
        assertThat(t.value()).isEqualTo("My \"Table\";");
    }

    @Test
    void dollarQuotedStringsKeepTheirBodyVerbatim() {
        Token t = only("$$ it's; \\n \"x\" $$");
        assertThat(t.kind()).isEqualTo(TokenKind.STRING);
        assertThat(t.value()).isEqualTo(" it's; \\n \"x\" ");
    }

    @Test
    void dollarQuoteEndsOnlyAtItsOwnCaseSensitiveTag() {
        Token t = only("$body$ $$ $Body$ $bodyx$ $body$");
        assertThat(t.value()).isEqualTo(" $$ $Body$ $bodyx$ ");
    }

    @Test
    void dollarQuoteTagsFollowIdentifierRules() {
        assertThat(only("$_tag1$x$_tag1$").value()).isEqualTo("x");
        assertThat(only("$ä$x$ä$").value()).isEqualTo("x");
    }

    @Test
    void dollarAndDigitsIsAParameterNotATag() {
        assertThat(lex("$1 + $23")).extracting(Token::kind, Token::text)
                .containsExactly(
                        tuple(TokenKind.PARAMETER, "$1"),
                        tuple(TokenKind.OPERATOR, "+"),
                        tuple(TokenKind.PARAMETER, "$23"));
    }

    @Test
    void dollarInsideAnIdentifierDoesNotStartAQuote() {
        assertThat(texts("a$$b")).containsExactly("a$$b");
        assertThat(texts("a$$ b")).containsExactly("a$$", "b");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"42", "1.5e10", ".5", "1.", "1.e3", "1e-3", "2E+7", "0x1F", "0X_ff", "0o17", "0b1010",
            "1_000", "1_000.000_1"})
    void numbersAreOneToken(String number) {
        Token t = only(number);
        assertThat(t.kind()).isEqualTo(TokenKind.NUMBER);
        assertThat(t.text()).isEqualTo(number);
    }

    @Test
    void rangeDotsAfterAnIntegerAreNotADecimalPoint() {
        assertThat(lex("1..10")).extracting(Token::kind, Token::text)
                .containsExactly(
                        tuple(TokenKind.NUMBER, "1"),
                        tuple(TokenKind.OPERATOR, ".."),
                        tuple(TokenKind.NUMBER, "10"));
    }

    @Test
    void anExponentNeedsDigits() {
        assertThat(texts("1e")).containsExactly("1", "e");
        assertThat(texts("1_")).containsExactly("1", "_");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"::", "->>", "->", "#>>", "<>", "!=", ">=", "<=", "||", "@>", "<@", "?|", "=>", ":=",
            "~~*", "!~", "@-", "&&"})
    void multiCharacterOperatorsAreOneToken(String op) {
        Token t = only(op);
        assertThat(t.kind()).isEqualTo(TokenKind.OPERATOR);
        assertThat(t.text()).isEqualTo(op);
    }

    @Test
    void operatorsDoNotEndInPlusOrMinusUnlessTheyHaveASpecialCharacter() {
        assertThat(texts("a=-1")).containsExactly("a", "=", "-", "1");
        assertThat(texts("a*-+1")).containsExactly("a", "*", "-", "+", "1");
        assertThat(texts("a@-1")).containsExactly("a", "@-", "1");
    }

    @Test
    void aCommentStartEndsAnOperator() {
        assertThat(texts("a*--x\nb")).containsExactly("a", "*", "b");
        assertThat(texts("a+/*x*/b")).containsExactly("a", "+", "b");
    }

    @Test
    void punctuationIsPunctuation() {
        assertThat(lex("( ) [ ] , ; . :")).allSatisfy(t -> assertThat(t.kind()).isEqualTo(TokenKind.PUNCTUATION))
                .hasSize(8);
        assertThat(only(";").isPunctuation(';')).isTrue();
    }

    @Test
    void qualifiedNamesAreWordsAndDots() {
        assertThat(texts("public.\"T\".c")).containsExactly("public", ".", "\"T\"", ".", "c");
    }

    @Test
    void eachTokenTextIsTheSourceAtItsOffset() {
        String sql = "SELECT E'x\\'y', $t$ a $t$, \"q\"\"\" FROM t -- c\nWHERE a::int >= .5e3;";
        for (Token t : lex(sql)) {
            assertThat(sql.substring(t.offset(), t.offset() + t.text().length())).isEqualTo(t.text());
        }
    }

    @Test
    void longRunsOfPlusAndMinusLexInLinearTime() {
        String run = "+-".repeat(100_000);
        long start = System.nanoTime();
        List<Token> tokens = lex("a " + run + " b");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tokens).hasSize(200_002);
        assertThat(millis).as("milliseconds for a 200k-character operator run").isLessThan(2_000);
    }

    @Test
    void unterminatedStringIsReportedWhereItStarts() {
        SqlSyntaxException e = refusal("SELECT 1;\nSELECT 'abc;\nSELECT 2;");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(8);
        assertThat(e.getMessage()).isEqualTo("m.sql:2:8: unterminated string constant: the ' here is never closed");
        assertThat(e.fix()).contains("''");
    }

    @Test
    void backslashQuoteInAnEscapeStringLeavesItOpenAndTheFixSaysWhy() {
        SqlSyntaxException e = refusal("SELECT E'C:\\'");
        assertThat(e.column()).isEqualTo(8);
        assertThat(e.getMessage()).contains("E'");
        assertThat(e.fix()).contains("backslash");
    }

    @Test
    void unterminatedBitStringIsRefused() {
        assertThat(refusal("SELECT B'01").getMessage()).contains("1:8").contains("bit-string");
    }

    @Test
    void unterminatedQuotedIdentifierIsReportedWhereItStarts() {
        SqlSyntaxException e = refusal("SELECT \"abc\"\" FROM t");
        assertThat(e.getMessage()).startsWith("m.sql:1:8: unterminated quoted identifier");
    }

    @Test
    void unterminatedDollarQuoteNamesItsTag() {
        SqlSyntaxException e = refusal("DO $fn$ BEGIN END $FN$;");
        assertThat(e.getMessage()).isEqualTo("m.sql:1:4: unterminated dollar-quoted string: the $fn$ here is never closed");
        assertThat(e.fix()).contains("$fn$").contains("case-sensitive");
    }

    @Test
    void unterminatedNestedCommentIsReportedAtItsOutermostStart() {
        SqlSyntaxException e = refusal("SELECT 1; /* a /* b */ c");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.column()).isEqualTo(11);
        assertThat(e.getMessage()).contains("block comment");
    }

    @Test
    void zeroLengthQuotedIdentifierIsRefused() {
        assertThat(refusal("SELECT \"\" FROM t").getMessage())
                .isEqualTo("m.sql:1:8: zero-length quoted identifier \"\"");
    }

    @Test
    void aDollarThatStartsNothingIsRefused() {
        assertThat(refusal("SELECT $abc").getMessage()).startsWith("m.sql:1:8: unexpected character '$'");
    }

    @Test
    void aBackslashOutsideQuotesIsAPsqlMetaCommand() {
        SqlSyntaxException e = refusal("SELECT 1;\n  \\set x 1\n");
        assertThat(e.getMessage()).isEqualTo("m.sql:2:3: psql meta-command \\set is not SQL");
        assertThat(e.fix()).isEqualTo("psql meta-commands are not SQL; remove it or run that part with psql");
    }

    @Test
    void aBackslashCommandAfterAStatementOnTheSameLineIsRefusedToo() {
        // psql reads "\gset" here as a meta-command as well.
        assertThat(refusal("SELECT 1 \\gset").getMessage()).contains("1:10").contains("\\gset");
    }

    @ParameterizedTest(name = "code point {0}")
    @ValueSource(ints = {'{', '}', 0, 0x7F, 1})
    void charactersTheServerRejectsOutsideQuotesAreRefused(int c) {
        SqlSyntaxException e = refusal("SELECT " + (char) c);
        assertThat(e.getMessage()).startsWith("m.sql:1:8: unexpected character");
    }

    @Test
    void charactersTheServerRejectsAreFineInsideQuotesAndComments() {
        assertThat(texts("'{}\\' \"{}\\\" $${}$$ -- {}\\ \n /* \\{} */")).hasSize(3);
    }

    @Test
    void firstLineBelowOneIsAProgrammingError() {
        assertThatThrownBy(() -> SqlLexer.tokenize("x", "m.sql", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
