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
    @ValueSource(strings = {
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "create unique index concurrently if not exists i on t (a)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "REINDEX INDEX CONCURRENTLY i",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY x",
            "REINDEX (CONCURRENTLY) TABLE t",
            "REINDEX (VERBOSE, CONCURRENTLY true) TABLE t",
            "REINDEX SCHEMA public",
            "REINDEX DATABASE app",
            "REINDEX SYSTEM",
            "ALTER TABLE t DETACH PARTITION p CONCURRENTLY",
            "ALTER TABLE IF EXISTS ONLY public.\"T\" DETACH PARTITION public.p_2024 CONCURRENTLY",
            "VACUUM",
            "VACUUM (ANALYZE, VERBOSE) t",
            "ALTER SYSTEM SET work_mem = '64MB'",
            "CREATE DATABASE app",
            "DROP DATABASE IF EXISTS app",
            "ALTER DATABASE app SET TABLESPACE fast",
            "CREATE TABLESPACE fast LOCATION '/ssd'",
            "DROP TABLESPACE fast",
            "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p",
            "DROP SUBSCRIPTION s",
            "CLUSTER",
            "CLUSTER VERBOSE",
            "DISCARD ALL",
            "COMMIT PREPARED 'tx1'",
            "ROLLBACK PREPARED 'tx1'",
    })
    void statementsThatCannotRunInATransactionBlockRequireAutocommit(String sql) {
        assertThat(StatementClassifier.requiresAutocommit(statement(sql), 17)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "CREATE INDEX i ON t (a)",
            "CREATE INDEX i ON t (a) -- CONCURRENTLY",
            "CREATE INDEX i ON t (a) WHERE note = 'CONCURRENTLY'",
            "CREATE INDEX \"concurrently\" ON t (a)",
            "DROP INDEX i",
            "REINDEX INDEX i",
            "REINDEX (CONCURRENTLY false) TABLE t",
            "ALTER TABLE t DETACH PARTITION p",
            "ALTER TABLE t ADD COLUMN concurrently int",
            "ANALYZE t",
            "ALTER DATABASE app SET search_path = app",
            "ALTER TABLESPACE fast RENAME TO quick",
            "CLUSTER t USING t_pkey",
            "DISCARD PLANS",
            "ALTER TYPE mood ADD VALUE 'meh'",
            "SELECT 'VACUUM'",
            "CREATE TABLE database (a int)",
    })
    void ordinaryStatementsDoNotRequireAutocommit(String sql) {
        assertThat(StatementClassifier.requiresAutocommit(statement(sql), 17)).isFalse();
    }

    @Test
    void addingAnEnumValueRequiresAutocommitOnlyBeforePostgres12() {
        Statement s = statement("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok'");
        assertThat(StatementClassifier.requiresAutocommit(s, 11)).isTrue();
        assertThat(StatementClassifier.requiresAutocommit(s, 12)).isFalse();
        assertThat(StatementClassifier.requiresAutocommit(statement("ALTER TYPE t ADD ATTRIBUTE value int"), 11)).isFalse();
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "CREATE INDEX CONCURRENTLY i ON t (a)|true",
            "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)|true",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY x|true",
            "REINDEX (CONCURRENTLY) INDEX x|true",
            "REINDEX TABLE CONCURRENTLY t|true",
            "CREATE INDEX i ON t (a)|false",
            "DROP INDEX CONCURRENTLY i|false",
            "REINDEX INDEX x|false",
            "SELECT 'CREATE INDEX CONCURRENTLY'|false",
    })
    void concurrentIndexBuildsAreRecognised(String sql, boolean expected) {
        assertThat(StatementClassifier.buildsIndexConcurrently(statement(sql))).isEqualTo(expected);
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
