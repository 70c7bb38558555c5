package dev.bulwark.backfill;

import dev.bulwark.BulwarkException;
import dev.bulwark.execute.Step;
import dev.bulwark.execute.StepPlanner;
import dev.bulwark.migration.Directives;
import dev.bulwark.migration.Script;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackfillStatementTest {
    private static BackfillStatement parse(String sql) {
        return BackfillStatement.parse(SqlSplitter.split(sql, "m.sql", 1).get(0));
    }

    @Test
    void readsTableAliasSetAndWhereAsWritten() {
        BackfillStatement s = parse("UPDATE ONLY billing.\"Orders\" AS o SET amount_new = (o.amount)::bigint, note = 'a WHERE b'\n  WHERE o.amount_new IS NULL");
        assertThat(s.schema()).isEqualTo("billing");
        assertThat(s.table()).isEqualTo("Orders");
        assertThat(s.alias()).isEqualTo("o");
        assertThat(s.set()).isEqualTo("amount_new = (o.amount)::bigint, note = 'a WHERE b'");
        assertThat(s.where()).isEqualTo("o.amount_new IS NULL");
        assertThat(parse("update t set a = b").where()).isNull();
        assertThat(parse("update t set a = b").alias()).isNull();
    }

    @Test
    void subqueriesInTheSetListMayUseWhereAndFrom() {
        BackfillStatement s = parse("UPDATE t SET a = (SELECT max(x) FROM u WHERE u.id = t.id) WHERE t.a IS NULL");
        assertThat(s.set()).isEqualTo("a = (SELECT max(x) FROM u WHERE u.id = t.id)");
        assertThat(s.where()).isEqualTo("t.a IS NULL");
    }

    @Test
    void refusesWhatBatchesCannotReproduce() {
        assertThatThrownBy(() -> parse("DELETE FROM t")).hasMessageContaining("must be followed by an UPDATE");
        assertThatThrownBy(() -> parse("UPDATE t SET a = u.a FROM u WHERE u.id = t.id")).hasMessageContaining("FROM cannot be split");
        assertThatThrownBy(() -> parse("UPDATE t SET a = 1 RETURNING id")).hasMessageContaining("RETURNING");
        assertThatThrownBy(() -> parse("WITH x AS (SELECT 1) UPDATE t SET a = 1")).hasMessageContaining("must be followed by an UPDATE");
        assertThatThrownBy(() -> parse("UPDATE t SET a = 1 WHERE CURRENT OF c")).hasMessageContaining("CURRENT OF");
    }

    @Test
    void isDistinctFromIsAnOperatorNotAFromClause() {
        BackfillStatement s = parse("UPDATE t SET b = a WHERE b IS DISTINCT FROM a");
        assertThat(s.set()).isEqualTo("b = a");
        assertThat(s.where()).isEqualTo("b IS DISTINCT FROM a");
        assertThat(parse("UPDATE t SET changed = a IS NOT DISTINCT FROM b WHERE id > 0").set()).isEqualTo("changed = a IS NOT DISTINCT FROM b");
        assertThat(BackfillStatement.of("t", "b = a", "b IS DISTINCT FROM a").where()).isEqualTo("b IS DISTINCT FROM a");
        assertThat(BackfillStatement.of("t", "flag = x IS NOT DISTINCT FROM y", null).set()).isEqualTo("flag = x IS NOT DISTINCT FROM y");
        // a FROM clause after such a condition is still one
        assertThatThrownBy(() -> parse("UPDATE t SET b = u.a FROM u WHERE t.b IS DISTINCT FROM u.a")).hasMessageContaining("FROM cannot be split");
        assertThatThrownBy(() -> BackfillStatement.of("t", "b = u.a FROM u", null)).hasMessageContaining("FROM");
    }

    @Test
    void optionsAreCheckedBeforeAnythingConnects() {
        assertThat(BackfillStatement.of("s.t", "a = b", "c > 1").describe()).isEqualTo("UPDATE \"s\".\"t\" SET a = b WHERE c > 1");
        assertThatThrownBy(() -> BackfillStatement.of("t", "a = 1; DROP TABLE t", null)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("';'");
        assertThatThrownBy(() -> BackfillStatement.of("t", "a", null)).hasMessageContaining("assigns nothing");
        assertThatThrownBy(() -> BackfillStatement.of("t", "a = 'x", null)).hasMessageContaining("does not parse");
        assertThatThrownBy(() -> BackfillStatement.of("t", "a = 1 RETURNING *", null)).hasMessageContaining("RETURNING");
        assertThatThrownBy(() -> BackfillStatement.of("a.b.c", "a = 1", null)).hasMessageContaining("not a table name");
    }

    @Test
    void theDirectiveMakesTheNextUpdateABackfillStepOfItsOwnInATransactionalMigration() {
        String sql = "ALTER TABLE t ADD COLUMN b int;\n-- bulwark:backfill\n\nUPDATE t SET b = a;\nALTER TABLE t ALTER COLUMN b SET DEFAULT 0;\n";
        Script script = new Script(sql, Path.of("m.sql"), 1);
        assertThat(Directives.backfillLines(script)).containsExactly(2);
        List<Statement> statements = SqlSplitter.split(sql, "m.sql", 1);
        List<Step> steps = StepPlanner.plan(statements, true, 16, Directives.backfillLines(script));
        assertThat(steps).extracting(Step::transactional).containsExactly(true, false, true);
        assertThat(steps.get(1).isBackfill()).isTrue();
        assertThat(steps.get(1).backfill().set()).isEqualTo("b = a");
        assertThat(StepPlanner.plan(statements, false, 16, Directives.backfillLines(script)))
                .extracting(Step::isBackfill).containsExactly(false, true, false);
    }

    @Test
    void aDirectiveFollowedByNoStatementIsRefused() {
        String sql = "UPDATE t SET b = a;\n-- bulwark:backfill\n";
        Script script = new Script(sql, Path.of("m.sql"), 1);
        assertThatThrownBy(() -> StepPlanner.plan(SqlSplitter.split(sql, "m.sql", 1), true, 16, Directives.backfillLines(script)))
                .hasMessageContaining("m.sql:2: -- bulwark:backfill is followed by no statement");
    }
}
