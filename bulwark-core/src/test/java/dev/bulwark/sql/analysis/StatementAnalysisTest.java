package dev.bulwark.sql.analysis;

import dev.bulwark.lint.Locks;
import dev.bulwark.lint.model.SchemaModel;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.recognize.Recognizers;
import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.sql.analysis.StatementEffect.ObjectKind;
import dev.bulwark.sql.analysis.StatementEffect.RowChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatementAnalysisTest {
    private static Statement statement(String sql) {
        List<Statement> statements = SqlSplitter.split(sql, "m.sql", 1);
        assertThat(statements).as("statements of %s", sql).hasSize(1);
        return statements.get(0);
    }

    /** The effects of {@code sql} (migration "2"), in the schema {@code earlier} (migration "1") leaves. */
    private static List<StatementEffect> effects(String earlier, String sql, int pgMajor) {
        SchemaModel model = new SchemaModel();
        for (Statement s : SqlSplitter.split(earlier, "V1.sql", 1)) {
            model.apply(Recognizers.recognize(s), "1");
        }
        List<StatementEffect> out = new ArrayList<>();
        for (Statement s : SqlSplitter.split(sql, "V2.sql", 1)) {
            Recognized r = Recognizers.recognize(s);
            out.add(StatementAnalysis.analyze(s, r, model, "2", pgMajor));
            model.apply(r, "2");
        }
        return out;
    }

    private static StatementEffect one(String earlier, String sql) {
        return effects(earlier, sql, 17).get(0);
    }

    private static List<String> rows(StatementEffect e) {
        return e.rows().stream().map(r -> r.kind().label() + " " + r.table() + (r.columns().isEmpty() ? "" : " " + r.columns())
                + (r.existing() ? "" : " (new)")).toList();
    }

    private static List<String> destructive(String sql) {
        return rows(one("", sql)).stream().filter(r -> !r.startsWith("INSERT") && !r.startsWith("ALTER TABLE")).toList();
    }

    /** What each statement of {@code sql} destroys, named as before the first of them ran. */
    private static List<String> destroyedAtStart(String earlier, String sql) {
        NamesAtStart names = new NamesAtStart();
        List<String> out = new ArrayList<>();
        for (StatementEffect e : effects(earlier, sql, 17)) {
            e.dataLoss().forEach(d -> {
                StatementEffect.RowChange at = names.atStart(d);
                out.add(at.kind().label() + " " + at.table() + (at.columns().isEmpty() ? "" : " " + at.columns()));
            });
            names.after(e);
        }
        return out;
    }

    @Test
    void aTableMovedBySetSchemaOrBySchemaRenameIsFollowedToTheDropSchemaCascadeThatDestroysIt() {
        String earlier = "CREATE TABLE ledger (id int PRIMARY KEY, amount int); CREATE SCHEMA shop;"
                + " CREATE TABLE shop.orders (id int PRIMARY KEY, total int);";
        // before: the model did not know ledger had moved, so DROP SCHEMA archive CASCADE destroyed nothing it knew of
        assertThat(destroyedAtStart(earlier, "CREATE SCHEMA archive; ALTER TABLE ledger SET SCHEMA archive;"
                + " DROP SCHEMA archive CASCADE;")).containsExactly("DROP TABLE ledger");
        assertThat(destroyedAtStart(earlier, "ALTER TABLE shop.orders SET SCHEMA public; DELETE FROM orders;"))
                .containsExactly("DELETE shop.orders");
        assertThat(destroyedAtStart(earlier, "ALTER SCHEMA shop RENAME TO store; ALTER TABLE store.orders DROP COLUMN total;"
                + " DROP TABLE store.orders;")).containsExactly("DROP COLUMN shop.orders [total]", "DROP TABLE shop.orders");
        // the statement itself: a rename of the table, undone by moving it back
        StatementEffect move = effects(earlier, "ALTER TABLE ledger SET SCHEMA archive;", 17).get(0);
        assertThat(move.renames()).containsExactly(new StatementEffect.Rename(ObjectKind.TABLE, "ledger", "ledger", "archive.ledger"));
        assertThat(move.reversal().undo()).contains("SET SCHEMA public (on archive.ledger)");
    }

    @Test
    void whatALaterStatementDestroysIsNamedAsItWasBeforeTheRenamesOfTheSameRun() {
        String earlier = "CREATE TABLE s.t (id int PRIMARY KEY, a text, c text); CREATE TABLE u (id int PRIMARY KEY, x text);";
        assertThat(destroyedAtStart(earlier, "ALTER TABLE s.t RENAME COLUMN a TO b; ALTER TABLE s.t RENAME TO t2;"
                + " ALTER TABLE s.t2 RENAME COLUMN b TO d; ALTER TABLE s.t2 DROP COLUMN d, DROP COLUMN c; DROP TABLE s.t2;"))
                .containsExactly("DROP COLUMN s.t [a, c]", "DROP TABLE s.t");
        // a name freed by a rename and taken by a new column is the new column's (a table the same migration
        // creates is not data loss at all); the renamed table is named as before
        assertThat(destroyedAtStart(earlier, "ALTER TABLE u RENAME COLUMN x TO y; ALTER TABLE u ADD COLUMN x text;"
                + " ALTER TABLE u DROP COLUMN x; ALTER TABLE u RENAME TO v; CREATE TABLE u (id int); DROP TABLE u; DELETE FROM v;"))
                .containsExactly("DROP COLUMN u [x]", "DELETE u");
    }

    @Test
    void anUpdateNamesTheColumnsItsSetAssignsAndEveryColumnWhenItCannotFollowThem() {
        assertThat(destructive("UPDATE s.items AS i SET \"Qty\" = i.qty + 1, (a, b) = (SELECT 1, 2), c.f = 3, d[1] = f(x, y),"
                + " e = CASE WHEN a IS DISTINCT FROM b THEN 1 END FROM other o WHERE o.id = i.id RETURNING *"))
                .containsExactly("UPDATE s.items [Qty, a, b, c, d, e]");
        assertThat(destructive("UPDATE items * SET x = DEFAULT WHERE id = 1")).containsExactly("UPDATE items [x]");
        assertThat(destructive("UPDATE items SET")).as("an unreadable SET list: every column").containsExactly("UPDATE items");
        assertThat(destructive("MERGE INTO items USING src ON items.id = src.id WHEN MATCHED THEN UPDATE SET x = src.x"))
                .containsExactly("UPDATE items");
    }

    @Test
    void aTableRenamedInItsSchemaStaysInItsSchemaSoItsCascadesAreStillFollowed() {
        List<StatementEffect> e = effects("CREATE SCHEMA shop; CREATE TABLE shop.orders (id int PRIMARY KEY);"
                + " CREATE TABLE lines (id int PRIMARY KEY, order_id int REFERENCES shop.orders ON DELETE CASCADE);",
                "ALTER TABLE shop.orders RENAME TO o2; DELETE FROM shop.o2 WHERE id = 1;", 17);
        assertThat(e.get(0).renames()).extracting(StatementEffect.Rename::to).containsExactly("shop.o2");
        assertThat(rows(e.get(1))).containsExactly("DELETE shop.o2", "DELETE lines");
    }

    @Test
    void findsEveryKindOfDestructiveStatement() {
        assertThat(destructive("DROP TABLE IF EXISTS a, s.b CASCADE")).containsExactly("DROP TABLE a", "DROP TABLE s.b");
        assertThat(destructive("ALTER TABLE ONLY users DROP COLUMN email, DROP IF EXISTS phone, DROP CONSTRAINT c"))
                .containsExactly("DROP COLUMN users [email, phone]");
        assertThat(destructive("DELETE FROM public.\"Orders\" WHERE id < 10")).containsExactly("DELETE Orders");
        assertThat(destructive("UPDATE ONLY items SET x = 1")).containsExactly("UPDATE items [x]");
        assertThat(destructive("TRUNCATE TABLE a, b")).containsExactly("TRUNCATE a", "TRUNCATE b");
    }

    @Test
    void constraintDefaultAndNotNullDropsAreNotDataLoss() {
        assertThat(one("", "ALTER TABLE t DROP CONSTRAINT t_pk").destructive()).isEmpty();
        assertThat(one("", "ALTER TABLE t ALTER COLUMN c DROP DEFAULT").destructive()).isEmpty();
        assertThat(one("", "ALTER TABLE t ALTER COLUMN c DROP NOT NULL").destructive()).isEmpty();
        assertThat(one("", "CREATE TABLE drop_me (id int)").destructive()).isEmpty();
        assertThat(one("", "INSERT INTO t VALUES (1)").destructive()).isEmpty();
        assertThat(rows(one("", "INSERT INTO s.t VALUES (1)"))).containsExactly("INSERT s.t");
    }

    @Test
    void dropSchemaCascadeRemovesTheRowsOfEveryTableTheMigrationsCreatedInIt() {
        StatementEffect e = one("CREATE SCHEMA s; CREATE TABLE s.a (id int); CREATE TABLE s.b (id int); CREATE TABLE t (id int);",
                "DROP SCHEMA s CASCADE");
        assertThat(rows(e)).containsExactly("DROP TABLE s.a", "DROP TABLE s.b");
        assertThat(e.dataLoss()).extracting(RowChange::schema, RowChange::bareName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("s", "a"), org.assertj.core.groups.Tuple.tuple("s", "b"));
        assertThat(e.objects()).extracting(Object::toString).containsExactly("drop schema s", "drop table s.a", "drop table s.b");
        assertThat(e.reversal().reversible()).isFalse();
        // without CASCADE the schema must be empty: nothing is lost
        assertThat(one("CREATE SCHEMA s; CREATE TABLE s.a (id int);", "DROP SCHEMA s").rows()).isEmpty();
    }

    @Test
    void aForeignKeyActionIsNotTheStatementsTarget() {
        StatementEffect e = one("CREATE TABLE customers (id int PRIMARY KEY);",
                "CREATE TABLE orders (id int, customer_id int REFERENCES customers (id) ON DELETE RESTRICT ON UPDATE CASCADE)");
        assertThat(e.target()).isEqualTo("orders");
        assertThat(e.locks()).containsExactly(new Locks.Lock("customers", Locks.Mode.SHARE_ROW_EXCLUSIVE));
        assertThat(e.rows()).isEmpty();
    }

    @Test
    void aTableDroppedAndCreatedAgainInOneMigrationLosesItsRows() {
        List<StatementEffect> e = effects("CREATE TABLE users (id int);", "DROP TABLE users; CREATE TABLE users (id bigint);"
                + " DROP TABLE users;", 17);
        assertThat(rows(e.get(0))).containsExactly("DROP TABLE users");
        assertThat(e.get(0).dataLoss()).hasSize(1);
        // the second drop removes only rows of the table this migration created: nothing a deploy must keep
        assertThat(rows(e.get(2))).containsExactly("DROP TABLE users (new)");
        assertThat(e.get(2).dataLoss()).isEmpty();
    }

    @Test
    void anOnUpdateCascadeChangesTheChildsForeignKeyColumnsEvenWhenTheyAreItsKey() {
        String schema = "CREATE TABLE groups (id int PRIMARY KEY, name text); CREATE TABLE users (id int PRIMARY KEY);"
                + " CREATE TABLE members (group_id int REFERENCES groups ON UPDATE CASCADE, user_id int REFERENCES users,"
                + " PRIMARY KEY (group_id, user_id));";
        // a deploy's snapshot of members then knows the UPDATE moves its rows' keys (Snapshots: updatedKeys)
        assertThat(rows(one(schema, "UPDATE groups SET id = id + 100"))).containsExactly("UPDATE groups [id]", "UPDATE members [group_id]");
        // followed whatever the SET list: a trigger may change the key, and the model's names of referenced columns can be stale
        assertThat(rows(one(schema, "UPDATE groups SET name = 'x'"))).containsExactly("UPDATE groups [name]", "UPDATE members [group_id]");
    }

    @Test
    void deletesAndTruncatesReachTheTablesTheirForeignKeysCascadeTo() {
        String schema = "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);"
                + " CREATE TABLE c (id int, b_id int REFERENCES b ON DELETE SET NULL); CREATE TABLE d (a_id int REFERENCES a);"
                + " CREATE TABLE tree (id int PRIMARY KEY, parent_id int REFERENCES tree ON DELETE CASCADE);";
        // SET NULL writes only the foreign-key columns: a deploy snapshots those
        assertThat(rows(one(schema, "DELETE FROM a WHERE id = 1"))).containsExactly("DELETE a", "DELETE b", "UPDATE c [b_id]");
        assertThat(rows(one(schema, "DELETE FROM tree WHERE id = 1"))).containsExactly("DELETE tree");
        assertThat(rows(one(schema, "TRUNCATE a CASCADE"))).containsExactly("TRUNCATE a", "TRUNCATE b", "TRUNCATE d", "TRUNCATE c");
        assertThat(rows(one(schema, "TRUNCATE a"))).containsExactly("TRUNCATE a");
    }

    @Test
    void aNarrowingTypeChangeLosesDataAndAWideningOneDoesNot() {
        String schema = "CREATE TABLE t (id int, name text, code varchar(10));";
        StatementEffect narrow = one(schema, "ALTER TABLE t ALTER COLUMN name TYPE varchar(5)");
        assertThat(rows(narrow)).containsExactly("ALTER COLUMN TYPE t [name]");
        assertThat(narrow.rewrite()).isTrue();
        assertThat(narrow.reversal().reversible()).isFalse();
        StatementEffect wide = one(schema, "ALTER TABLE t ALTER COLUMN id TYPE bigint");
        assertThat(wide.destructive()).isEmpty();
        assertThat(wide.rewrite()).isTrue();
        assertThat(wide.reversal().undo()).isEqualTo("ALTER TABLE t ALTER COLUMN id TYPE int");
        StatementEffect inPlace = one(schema, "ALTER TABLE t ALTER COLUMN code TYPE text");
        assertThat(inPlace.destructive()).isEmpty();
        assertThat(inPlace.rewrite()).isFalse();
    }

    @Test
    void createTableAsFillsANewTableAndTheModelRemembersIt() {
        StatementEffect e = one("CREATE TABLE src (id int);", "CREATE TABLE copy AS SELECT * FROM src");
        assertThat(rows(e)).containsExactly("INSERT copy (new)");
        assertThat(e.objects()).extracting(Object::toString).containsExactly("create table copy");
        SchemaModel m = new SchemaModel();
        m.apply(Recognizers.recognize(statement("CREATE TABLE copy AS SELECT 1 AS id")), "1");
        assertThat(m.filledByQuery("copy")).isTrue();
        assertThat(m.filledByQuery("src")).isFalse();
    }

    @Test
    void theModelKnowsMaterializedViewsAndRecreatedTables() {
        SchemaModel m = new SchemaModel();
        for (Statement s : SqlSplitter.split("CREATE TABLE users (id int); CREATE MATERIALIZED VIEW mv AS SELECT 1;"
                + " CREATE INDEX mv_i ON mv (x);", "V1.sql", 1)) {
            m.apply(Recognizers.recognize(s), "1");
        }
        for (Statement s : SqlSplitter.split("DROP TABLE users; CREATE TABLE users (id bigint);", "V2.sql", 1)) {
            m.apply(Recognizers.recognize(s), "2");
        }
        assertThat(m.isMaterializedView("mv")).isTrue();
        assertThat(m.tableOfIndex("mv_i")).isEqualTo("mv");
        assertThat(m.recreatedBy("users")).isEqualTo("2");
        assertThat(m.table("users").createdBy()).isEqualTo("2");
        m.apply(Recognizers.recognize(statement("DROP MATERIALIZED VIEW mv")), "3");
        assertThat(m.isMaterializedView("mv")).isFalse();
        StatementEffect drop = StatementAnalysis.analyze(statement("DROP MATERIALIZED VIEW mv2"), 17);
        assertThat(drop.objects()).extracting(Object::toString).containsExactly("drop materialized view mv2");
        assertThat(drop.rows()).isEmpty();
    }

    @Test
    void objectsOfEveryKindAreNamed() {
        assertThat(one("", "CREATE OR REPLACE VIEW public.v AS SELECT 1").objects()).extracting(Object::toString)
                .containsExactly("create view v");
        assertThat(one("", "CREATE SEQUENCE IF NOT EXISTS s.seq").objects()).extracting(Object::toString)
                .containsExactly("create sequence s.seq");
        assertThat(one("", "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql").objects()).extracting(Object::toString)
                .containsExactly("create function f");
        assertThat(one("", "CREATE SCHEMA billing").objects()).extracting(Object::toString).containsExactly("create schema billing");
        assertThat(one("", "CREATE TYPE mood AS ENUM ('a')").objects()).extracting(Object::toString).containsExactly("create type mood");
        assertThat(one("CREATE TABLE m (id int) PARTITION BY RANGE (id);", "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM (1) TO (2)")
                .objects()).extracting(Object::toString).containsExactly("create partition m_1");
        assertThat(one("", "ALTER TABLE t ADD COLUMN email text UNIQUE").objects()).extracting(Object::toString)
                .containsExactly("create column t.email", "create constraint t.t_email_key", "create index t_email_key");
    }

    @Test
    void addingAUniqueColumnToAnExistingTableScansIt() {
        StatementEffect e = one("CREATE TABLE t (id int);", "ALTER TABLE t ADD COLUMN email text UNIQUE");
        assertThat(e.fullScan()).isTrue();
        assertThat(e.rewrite()).isFalse();
        assertThat(e.reversal().undo()).isEqualTo("ALTER TABLE t DROP COLUMN email");
    }

    @Test
    void attachingAPartitionLockedTheParentExclusivelyBeforePostgres12() {
        String schema = "CREATE TABLE m (id int) PARTITION BY RANGE (id); CREATE TABLE p (id int);";
        String attach = "ALTER TABLE m ATTACH PARTITION p FOR VALUES FROM (1) TO (2)";
        assertThat(effects(schema, attach, 11).get(0).lockOn("m")).isEqualTo(Locks.Mode.ACCESS_EXCLUSIVE);
        assertThat(effects(schema, attach, 12).get(0).lockOn("m")).isEqualTo(Locks.Mode.SHARE_UPDATE_EXCLUSIVE);
    }

    @Test
    void aDefaultFromAUserFunctionRewritesTheTableAndNowDoesNot() {
        String schema = "CREATE TABLE t (id int);";
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a int DEFAULT pick()").rewrite()).isTrue();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a uuid DEFAULT gen_random_uuid()").rewrite()).isTrue();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()").rewrite()).isFalse();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a numeric(10,2) DEFAULT 0::numeric(10,2)").rewrite()).isFalse();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a text DEFAULT 'f(x)'").rewrite()).isFalse();
        assertThat(effects(schema, "ALTER TABLE t ADD COLUMN a int DEFAULT 0", 10).get(0).rewrite()).isTrue();
    }

    @Test
    void aDefaultFromAFunctionTheMigrationsDeclaredStableOrImmutableDoesNotRewrite() {
        String schema = "CREATE TABLE t (id int); CREATE FUNCTION tenant() RETURNS int LANGUAGE sql STABLE AS $$ SELECT 1 $$;"
                + " CREATE FUNCTION slugify(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(x) $$;";
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a int DEFAULT tenant()").rewrite()).isFalse();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a text DEFAULT slugify('Post')").rewrite()).isFalse();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a text DEFAULT trim(' x ')").rewrite()).isFalse();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a timestamptz DEFAULT statement_timestamp()").rewrite()).isFalse();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a uuid DEFAULT GEN_RANDOM_UUID()").rewrite()).isTrue();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a text DEFAULT crypt('x', gen_salt('bf'))").rewrite()).isTrue();
        assertThat(one(schema, "ALTER TABLE t ADD COLUMN a bigint DEFAULT txid_current()").rewrite()).isFalse();
    }

    @Test
    void theColumnsThatMakeAStatementRewriteOrScanAreNamed() {
        String schema = "CREATE TABLE t (id int, code varchar(10), name text, a int, b int,"
                + " CONSTRAINT t_b_not_null CHECK (b IS NOT NULL));";
        StatementEffect e = one(schema, "ALTER TABLE t ADD COLUMN x int DEFAULT 0, ADD COLUMN y uuid DEFAULT gen_random_uuid(),"
                + " ALTER COLUMN code TYPE text, ALTER COLUMN id TYPE bigint");
        assertThat(e.rewriteColumns()).containsExactly("y", "id");
        assertThat(one(schema, "ALTER TABLE t SET LOGGED").rewriteColumns()).isEmpty();
        assertThat(one(schema, "ALTER TABLE t SET LOGGED").rewrite()).isTrue();
        // USING computes every value again: a rewrite even between binary-coercible types, and not lossless
        StatementEffect using = one(schema, "ALTER TABLE t ALTER COLUMN name TYPE text USING lower(name)");
        assertThat(using.rewriteColumns()).containsExactly("name");
        assertThat(rows(using)).containsExactly("ALTER COLUMN TYPE t [name]");
        // a USING that is only the column cast to the new type is the change without USING: no rewrite for varchar -> text
        for (String plain : List.of("code::text", "code", "(code)::text", "CAST(code AS text)", "\"code\" :: TEXT")) {
            StatementEffect cast = one(schema, "ALTER TABLE t ALTER COLUMN code TYPE text USING " + plain);
            assertThat(cast.rewrite()).as(plain).isFalse();
            assertThat(rows(cast)).as(plain).containsExactly("ALTER TABLE t [code]");
        }
        assertThat(one(schema, "ALTER TABLE t ALTER COLUMN code TYPE text USING code::varchar(5)").rewrite()).isTrue();
        assertThat(one(schema, "ALTER TABLE t ALTER COLUMN code TYPE text USING code || 'x'").rewrite()).isTrue();
        assertThat(one(schema, "ALTER TABLE t ALTER COLUMN code TYPE text USING codex").rewrite()).isTrue();
        // a widening type whose USING computes new values loses the old ones: a TYPE_CHANGE, not a reshape
        assertThat(rows(one(schema, "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a * 100"))).containsExactly("ALTER COLUMN TYPE t [a]");
        assertThat(rows(one(schema, "ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint"))).containsExactly("ALTER TABLE t [a]");
        // SET NOT NULL scans unless a validated CHECK (col IS NOT NULL) proves it, and always before PostgreSQL 12
        StatementEffect notNull = one(schema, "ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b SET NOT NULL");
        assertThat(notNull.scanColumns()).containsExactly("a");
        assertThat(effects(schema, "ALTER TABLE t ALTER COLUMN b SET NOT NULL", 11).get(0).scanColumns()).containsExactly("b");
        assertThat(effects(schema, "ALTER TABLE t ALTER COLUMN b SET NOT NULL", 11).get(0).fullScan()).isTrue();
    }

    @Test
    void dropTriggerAndTruncateCascadeLockEveryTableTheyTouch() {
        assertThat(one("", "DROP TRIGGER trg ON public.orders").locks())
                .containsExactly(new Locks.Lock("orders", Locks.Mode.ACCESS_EXCLUSIVE));
        String schema = "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (a_id int REFERENCES a);";
        assertThat(one(schema, "TRUNCATE a CASCADE").locks()).containsExactlyInAnyOrder(
                new Locks.Lock("a", Locks.Mode.ACCESS_EXCLUSIVE), new Locks.Lock("b", Locks.Mode.ACCESS_EXCLUSIVE));
    }

    @Test
    void reversibleStatementsSayWhatUndoesThem() {
        assertThat(one("", "CREATE INDEX CONCURRENTLY i ON t (a)").reversal().undo()).isEqualTo("DROP INDEX CONCURRENTLY i");
        assertThat(one("", "ALTER TABLE t RENAME COLUMN a TO b").reversal().undo()).isEqualTo("ALTER TABLE t RENAME COLUMN b TO a");
        assertThat(one("", "DELETE FROM t").reversal().reversible()).isFalse();
        assertThat(one("", "ALTER TYPE mood ADD VALUE 'x'").reversal().reversible()).isFalse();
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
        assertThat(StatementAnalysis.requiresAutocommit(statement(sql), 17)).isTrue();
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
        assertThat(StatementAnalysis.requiresAutocommit(statement(sql), 17)).isFalse();
    }

    @Test
    void addingAnEnumValueRequiresAutocommitOnlyBeforePostgres12() {
        Statement s = statement("ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok'");
        assertThat(StatementAnalysis.requiresAutocommit(s, 11)).isTrue();
        assertThat(StatementAnalysis.requiresAutocommit(s, 12)).isFalse();
        assertThat(StatementAnalysis.requiresAutocommit(statement("ALTER TYPE t ADD ATTRIBUTE value int"), 11)).isFalse();
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
        assertThat(StatementAnalysis.buildsIndexConcurrently(statement(sql))).isEqualTo(expected);
    }

}
