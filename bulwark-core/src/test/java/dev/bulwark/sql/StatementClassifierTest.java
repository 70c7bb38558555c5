package dev.bulwark.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementClassifierTest {

    private static Statement statement(String sql) {
        List<Statement> statements = SqlSplitter.split(sql, "m.sql", 1);
        assertThat(statements).as("statements of %s", sql).hasSize(1);
        return statements.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BEGIN", "begin work", "BEGIN ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION",
            "COMMIT", "COMMIT AND CHAIN", "END", "END TRANSACTION", "ROLLBACK", "ROLLBACK WORK", "ABORT",
            "SAVEPOINT s", "RELEASE SAVEPOINT s", "RELEASE s", "PREPARE TRANSACTION 'tx1'"})
    void transactionControlIsRecognised(String sql) {
        assertThat(StatementClassifier.isTransactionControl(statement(sql))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ROLLBACK TO s", "ROLLBACK TO SAVEPOINT s", "ROLLBACK TRANSACTION TO SAVEPOINT s",
            "COMMIT PREPARED 'tx1'", "ROLLBACK PREPARED 'tx1'", "PREPARE q AS SELECT 1", "START_TIME()",
            "SELECT 'BEGIN'", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "\"begin\""})
    void otherStatementsAreNotTransactionControl(String sql) {
        assertThat(StatementClassifier.isTransactionControl(statement(sql))).isFalse();
    }

    @Test
    void firstWordsStopAtTheFirstTokenThatIsNotAWord() {
        assertThat(StatementClassifier.firstWords(statement("CREATE UNIQUE INDEX \"i\" ON t (a)"), 10))
                .containsExactly("create", "unique", "index");
        assertThat(StatementClassifier.firstWords(statement("Create Table t (a int)"), 2))
                .containsExactly("create", "table");
        assertThat(StatementClassifier.firstWords(statement("(SELECT 1)"), 3)).isEmpty();
    }

    @Test
    void startsWithComparesWholeLeadingWords() {
        Statement s = statement("ALTER TABLE t ADD COLUMN a int");
        assertThat(StatementClassifier.startsWith(s, "alter", "table")).isTrue();
        assertThat(StatementClassifier.startsWith(s, "alter", "tab")).isFalse();
        assertThat(StatementClassifier.startsWith(s, "alter", "table", "t", "add", "column", "a", "int", "x")).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)|create index concurrently",
            "create unique index i on t (a)|create unique index",
            "DROP INDEX CONCURRENTLY IF EXISTS i|drop index concurrently",
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql|create or replace function",
            "CREATE TABLE t (a int)|create table",
            "CREATE UNLOGGED TABLE t (a int)|create unlogged table",
            "CREATE MATERIALIZED VIEW v AS SELECT 1|create materialized view",
            "ALTER TABLE public.t ADD COLUMN a int|alter table add column",
            "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID|alter table add constraint",
            "ALTER TABLE IF EXISTS ONLY t VALIDATE CONSTRAINT c|alter table validate constraint",
            "ALTER TABLE t RENAME TO u|alter table rename to",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL|alter table alter column",
            "ALTER TABLE t DETACH PARTITION p CONCURRENTLY|alter table detach partition concurrently",
            "ALTER TABLE \"T\" ATTACH PARTITION p FOR VALUES IN (1)|alter table attach partition",
            "ALTER TYPE mood ADD VALUE 'meh'|alter type add value",
            "ALTER SYSTEM SET work_mem = '1GB'|alter system",
            "ALTER FUNCTION f(int) OWNER TO x|alter function",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY x|reindex index concurrently",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY v|refresh materialized view concurrently",
            "COMMENT ON TABLE t IS 'x'|comment on table",
            "INSERT INTO t VALUES (1)|insert",
            "WITH x AS (SELECT 1) SELECT * FROM x|with",
            "START TRANSACTION|start transaction",
            "ROLLBACK TO SAVEPOINT s|rollback to savepoint",
            "COMMIT PREPARED 'x'|commit prepared",
            "(SELECT 1)|select",
    })
    void describeSummarisesTheCommandInLowerCase(String sql, String expected) {
        assertThat(StatementClassifier.describe(statement(sql))).isEqualTo(expected);
    }
}
