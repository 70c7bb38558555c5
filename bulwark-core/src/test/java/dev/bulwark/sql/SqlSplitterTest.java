package dev.bulwark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlSplitterTest {

    private static List<Statement> split(String sql) {
        return SqlSplitter.split(sql, "V1__init.sql", 1);
    }

    private static List<String> texts(String sql) {
        return split(sql).stream().map(Statement::sql).collect(Collectors.toList());
    }

    private static SqlSyntaxException refusal(String sql) {
        try {
            split(sql);
        } catch (SqlSyntaxException e) {
            return e;
        }
        throw new AssertionError("expected a SqlSyntaxException for: " + sql);
    }

    @Test
    void splitsAtSemicolonsAndDropsThem() {
        assertThat(texts("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"))
                .containsExactly("CREATE TABLE a (id int)", "CREATE TABLE b (id int)");
    }

    @Test
    void statementTextRunsFromFirstToLastTokenAndKeepsInnerComments() {
        List<Statement> statements = split("-- header\n  SELECT 1 /* inner; */ + 2 -- trailing\n;");
        assertThat(statements).singleElement().satisfies(s -> {
            assertThat(s.sql()).isEqualTo("SELECT 1 /* inner; */ + 2");
            assertThat(s.line()).isEqualTo(2);
            assertThat(s.column()).isEqualTo(3);
            assertThat(s.position()).isEqualTo("V1__init.sql:2:3");
        });
    }

    @Test
    void statementTokensExcludeCommentsAndTheSemicolon() {
        Statement s = split("SELECT /* c */ a;").get(0);
        assertThat(s.tokens()).extracting(Token::text).containsExactly("SELECT", "a");
        assertThat(s.source()).isEqualTo("V1__init.sql");
    }

    @Test
    void lastStatementNeedsNoSemicolon() {
        assertThat(texts("SELECT 1; SELECT 2")).containsExactly("SELECT 1", "SELECT 2");
    }

    @Test
    void emptyStatementsAreSkipped() {
        assertThat(texts(";;SELECT 1;; ;\n;SELECT 2;;")).containsExactly("SELECT 1", "SELECT 2");
    }

    @Test
    void emptyAndCommentOnlyScriptsHaveNoStatements() {
        assertThat(split("")).isEmpty();
        assertThat(split("  \n\t")).isEmpty();
        assertThat(split("-- nothing here\n/* or /* here */ */\n")).isEmpty();
    }

    @Test
    void semicolonsInsideStringsCommentsDollarQuotesAndIdentifiersDoNotSplit() {
        String sql = "SELECT 'a;b', E'c\\';d', $$e;f$$, $t$g;h$t$, \"i;j\" -- k;l\n /* m; */ FROM t;\nSELECT 2";
        assertThat(texts(sql)).hasSize(2).last().isEqualTo("SELECT 2");
    }

    @Test
    void semicolonsInsideParenthesesDoNotSplit() {
        String rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))";
        assertThat(texts(rule + ";\nSELECT 1;")).containsExactly(rule, "SELECT 1");
    }

    @Test
    void aStrayClosingParenthesisDoesNotHideTheNextSemicolon() {
        assertThat(texts("SELECT 1);\nSELECT 2;")).containsExactly("SELECT 1)", "SELECT 2");
    }

    @Test
    void anUnclosedParenthesisIsRefusedWhereItOpens() {
        SqlSyntaxException e = refusal("CREATE TABLE t (a int,\n  b int;\nCREATE TABLE u (c int);");
        assertThat(e.getMessage()).startsWith("V1__init.sql:1:16: the ( here is never closed");
        assertThat(e.fix()).isEqualTo("add the missing )");
    }

    @Test
    void aBeginAtomicFunctionBodyIsOneStatement() {
        String function = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
                + "  INSERT INTO log VALUES (x);\n  SELECT CASE WHEN x > 0 THEN 1 ELSE CASE WHEN x < 0 THEN -1 END END;\nEND";
        assertThat(texts(function + ";\nSELECT f(1);")).containsExactly(function, "SELECT f(1)");
    }

    @Test
    void aBeginAtomicProcedureBodyIsOneStatementToo() {
        String procedure = "create or replace procedure p() begin atomic insert into t values (1); end";
        assertThat(texts(procedure + "; call p()")).containsExactly(procedure, "call p()");
    }

    @Test
    void anUnfinishedBeginAtomicIsRefused() {
        SqlSyntaxException e = refusal("CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; SELECT 2;");
        assertThat(e.getMessage()).startsWith("V1__init.sql:1:33: the BEGIN ATOMIC here has no matching END");
    }

    @Test
    void transactionBeginAndEndAreStatementsOfTheirOwn() {
        assertThat(texts("BEGIN;\nCREATE TABLE t (a int);\nEND;\nBEGIN ATOMIC;"))
                .containsExactly("BEGIN", "CREATE TABLE t (a int)", "END", "BEGIN ATOMIC");
    }

    @Test
    void aBeginInsideADollarQuotedBodyIsJustText() {
        String function = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.a := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql";
        assertThat(texts(function + ";\nSELECT 1;")).containsExactly(function, "SELECT 1");
    }

    @Test
    void linesAreShiftedByFirstLine() {
        List<Statement> statements = SqlSplitter.split("SELECT 1;\n\n  SELECT 2;", "V2__x.sql", 7);
        assertThat(statements).extracting(Statement::line, Statement::column).containsExactly(tuple(7, 1), tuple(9, 3));
        assertThat(statements.get(1).tokens().get(0).line()).isEqualTo(9);
    }

    @Test
    void drizzleStatementBreakpointsAreComments() {
        String sql = "CREATE TABLE \"users\" (\n\t\"id\" serial PRIMARY KEY\n);\n--> statement-breakpoint\n"
                + "CREATE INDEX \"users_id_idx\" ON \"users\" (\"id\");--> statement-breakpoint\nSELECT 1;";
        List<Statement> statements = split(sql);
        assertThat(statements).extracting(Statement::line).containsExactly(1, 5, 6);
        assertThat(statements.get(1).sql()).isEqualTo("CREATE INDEX \"users_id_idx\" ON \"users\" (\"id\")");
    }

    @Test
    void psqlMetaCommandsAreRefusedWithTheirPosition() {
        SqlSyntaxException e = refusal("CREATE TABLE t (a int);\n\\connect other\nSELECT 1;");
        assertThat(e.getMessage()).isEqualTo("V1__init.sql:2:1: psql meta-command \\connect is not SQL");
        assertThat(e.fix()).isEqualTo("psql meta-commands are not SQL; remove it or run that part with psql");
        assertThat(e.source()).isEqualTo("V1__init.sql");
    }

    @Test
    void aBackslashInsideAStringOrCommentIsNotAMetaCommand() {
        assertThat(texts("SELECT '\n\\connect x';\n-- \\i file.sql\nSELECT 2")).hasSize(2);
    }

    @Test
    void copyFromStdinIsRefusedBeforeItsDataIsRead() {
        // The data holds an unterminated quote and a backslash: the COPY must be what is reported.
        SqlSyntaxException e = refusal("SELECT 1;\nCOPY public.t (a, b) FROM stdin;\n1\tit's\n\\.\n");
        assertThat(e.getMessage()).startsWith("V1__init.sql:2:1: COPY … FROM stdin");
        assertThat(e.fix()).contains("INSERT").contains("bulwark copy");
    }

    @Test
    void copyFromStdinWithOptionsIsRefused() {
        assertThat(refusal("copy t from STDIN with (format csv)").getMessage()).contains("FROM stdin");
    }

    @Test
    void copyToStdoutAndCopyFromAServerFileAreFine() {
        assertThat(texts("COPY t TO STDOUT; COPY (SELECT * FROM stdin) TO STDOUT; COPY t FROM '/tmp/stdin';"))
                .hasSize(3);
    }

    @Test
    void unterminatedStringIsReportedWhereItStartsEvenAfterManyStatements() {
        SqlSyntaxException e = refusal("SELECT 1;\nSELECT 2;\nINSERT INTO t VALUES ('x);\nSELECT 3;");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(23);
    }

    @Test
    void messagesAreOneLineWithoutStackTraces() {
        for (String bad : List.of("'x", "\"x", "$$x", "/* x", "\\i x", "COPY t FROM stdin;", "(", "{")) {
            SqlSyntaxException e = refusal(bad);
            assertThat(e.getMessage()).as(bad).startsWith("V1__init.sql:1:").doesNotContain("\n").doesNotContain("Exception");
            assertThat(e.fix()).as(bad).isNotBlank();
            assertThat(e.code()).isEqualTo(dev.bulwark.ErrorCode.USAGE);
        }
    }

    @Test
    void nullInputIsAProgrammingError() {
        assertThatThrownBy(() -> SqlSplitter.split(null, "x.sql", 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void threeHundredStatementsWithCommentsQuotedSemicolonsAndDollarQuotesSplitIntoThreeHundred() {
        // speed is measured by bench/lint.sh (whole lint runs), not by a wall-clock assertion here
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append("-- step ").append(i).append('\n')
                    .append("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_").append(i)
                    .append(" ON \"Orders\" (customer_id, created_at) WHERE note <> 'x;y' AND data->>'k' = $$v$$;\n");
        }
        assertThat(split(sb.toString())).hasSize(300);
    }
}
