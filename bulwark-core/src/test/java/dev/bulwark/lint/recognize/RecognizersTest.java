package dev.bulwark.lint.recognize;

import dev.bulwark.lint.recognize.Recognized.*;
import dev.bulwark.sql.SqlSplitter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecognizersTest {
    private static Recognized r(String sql) {
        return Recognizers.recognize(SqlSplitter.split(sql, "t.sql", 1).get(0));
    }

    @Test
    void createTableReadsColumnsTypesInlineAndTableConstraints() {
        CreateTable ct = (CreateTable) r("CREATE TABLE IF NOT EXISTS public.\"Orders\" ("
                + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE SET NULL,"
                + " note character varying(20) DEFAULT 'x',"
                + " at timestamp(3) without time zone,"
                + " CONSTRAINT amount_positive CHECK (amount > 0),"
                + " FOREIGN KEY (a, b) REFERENCES other (x, y) ON DELETE SET NULL (a))");
        assertThat(ct.table().name()).isEqualTo("Orders");
        assertThat(ct.ifNotExists()).isTrue();
        assertThat(ct.columns()).extracting(ColumnDef::name).containsExactly("id", "user_id", "note", "at");
        assertThat(ct.columns()).extracting(ColumnDef::type).containsExactly("bigint", "int", "varchar(20)", "timestamp(3)");
        assertThat(ct.columns().get(0).identity()).isTrue();
        assertThat(ct.columns().get(0).notNull()).isTrue();
        ConstraintDef fk = ct.columns().get(1).constraints().get(0);
        assertThat(fk.kind()).isEqualTo(ConstraintKind.FOREIGN_KEY);
        assertThat(fk.refTable()).isEqualTo("users");
        assertThat(fk.onDelete()).isEqualTo(FkAction.CASCADE);
        assertThat(fk.onUpdate()).isEqualTo(FkAction.SET_NULL);
        assertThat(ct.columns().get(2).defaultExpr()).isEqualTo("'x'");
        assertThat(ct.constraints()).extracting(ConstraintDef::kind).containsExactly(ConstraintKind.CHECK, ConstraintKind.FOREIGN_KEY);
        assertThat(ct.constraints().get(0).name()).isEqualTo("amount_positive");
        assertThat(ct.constraints().get(1).columns()).containsExactly("a", "b");
        assertThat(ct.constraints().get(1).onDelete()).isEqualTo(FkAction.SET_NULL);
    }

    @Test
    void createTablePartitionedAndPartitionOf() {
        assertThat(((CreateTable) r("CREATE TABLE e (at timestamptz) PARTITION BY RANGE (at)")).partitioned()).isTrue();
        CreateTable part = (CreateTable) r("CREATE TABLE e_2024 PARTITION OF e FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
        assertThat(part.partitionOf().name()).isEqualTo("e");
    }

    @Test
    void alterTableSplitsActionsAtTopLevelCommas() {
        AlterTable at = (AlterTable) r("ALTER TABLE ONLY users ADD COLUMN a numeric(10, 2) NOT NULL DEFAULT 0,"
                + " ALTER COLUMN b TYPE text USING b::text, ALTER COLUMN c SET NOT NULL, DROP COLUMN d CASCADE,"
                + " ADD CONSTRAINT u UNIQUE USING INDEX u_idx, VALIDATE CONSTRAINT k, RENAME COLUMN e TO f");
        assertThat(at.table().name()).isEqualTo("users");
        assertThat(at.actions()).hasSize(7);
        AddColumn add = (AddColumn) at.actions().get(0);
        assertThat(add.column().type()).isEqualTo("numeric(10, 2)");
        assertThat(add.column().notNull()).isTrue();
        assertThat(add.column().defaultExpr()).isEqualTo("0");
        AlterColumnType type = (AlterColumnType) at.actions().get(1);
        assertThat(type.type()).isEqualTo("text");
        assertThat(type.using()).isTrue();
        assertThat(at.actions().get(2)).isInstanceOf(SetNotNull.class);
        assertThat(((DropColumn) at.actions().get(3)).cascade()).isTrue();
        assertThat(((AddConstraint) at.actions().get(4)).constraint().usingIndex()).isTrue();
        assertThat(((ValidateConstraint) at.actions().get(5)).name()).isEqualTo("k");
        RenameAction rename = (RenameAction) at.actions().get(6);
        assertThat(rename.from()).isEqualTo("e");
        assertThat(rename.to()).isEqualTo("f");
    }

    @Test
    void alterTableNotValidForeignKeyAndDetachConcurrently() {
        AlterTable fk = (AlterTable) r("ALTER TABLE posts ADD CONSTRAINT p_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID");
        ConstraintDef c = ((AddConstraint) fk.actions().get(0)).constraint();
        assertThat(c.notValid()).isTrue();
        assertThat(c.refTable()).isEqualTo("users");
        AlterTable detach = (AlterTable) r("ALTER TABLE e DETACH PARTITION e_2020 CONCURRENTLY");
        assertThat(((DetachPartition) detach.actions().get(0)).concurrently()).isTrue();
    }

    @Test
    void indexesWithOptions() {
        CreateIndex ci = (CreateIndex) r("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY t USING btree (lower(email), b) WHERE b > 0");
        assertThat(ci.unique()).isTrue();
        assertThat(ci.concurrently()).isTrue();
        assertThat(ci.ifNotExists()).isTrue();
        assertThat(ci.only()).isTrue();
        assertThat(ci.partial()).isTrue();
        assertThat(ci.columns()).containsExactly("lower(email)", "b");
        assertThat(((CreateIndex) r("CREATE INDEX ON t (a)")).name()).isNull();
        DropIndex di = (DropIndex) r("DROP INDEX CONCURRENTLY IF EXISTS a, b");
        assertThat(di.concurrently()).isTrue();
        assertThat(di.names()).extracting(Name::name).containsExactly("a", "b");
    }

    @Test
    void dropTruncateDmlAndSet() {
        Drop d = (Drop) r("DROP TABLE IF EXISTS a, b CASCADE");
        assertThat(d.objectKind()).isEqualTo("table");
        assertThat(d.cascade()).isTrue();
        assertThat(((Drop) r("DROP MATERIALIZED VIEW mv")).objectKind()).isEqualTo("materialized view");
        Truncate t = (Truncate) r("TRUNCATE TABLE ONLY a, b CASCADE");
        assertThat(t.tables()).extracting(Name::name).containsExactly("a", "b");
        assertThat(t.cascade()).isTrue();
        assertThat(((Dml) r("UPDATE users SET a = (SELECT 1 WHERE true)")).hasWhere()).isFalse();
        assertThat(((Dml) r("DELETE FROM users WHERE id = 1")).hasWhere()).isTrue();
        SetParameter s = (SetParameter) r("SET LOCAL lock_timeout TO '2s'");
        assertThat(s.parameter()).isEqualTo("lock_timeout");
        assertThat(s.value()).isEqualTo("2s");
        assertThat(s.local()).isTrue();
        assertThat(((SetParameter) r("SET statement_timeout = 0")).value()).isEqualTo("0");
    }

    @Test
    void transactionControlButNotSavepoints() {
        assertThat(((TransactionControl) r("BEGIN")).begins()).isTrue();
        assertThat(((TransactionControl) r("START TRANSACTION ISOLATION LEVEL SERIALIZABLE")).begins()).isTrue();
        assertThat(((TransactionControl) r("COMMIT")).begins()).isFalse();
        assertThat(r("ROLLBACK TO SAVEPOINT a")).isInstanceOf(Opaque.class);
        assertThat(r("SAVEPOINT a")).isInstanceOf(Opaque.class);
        assertThat(r("COMMIT PREPARED 'x'")).isInstanceOf(Opaque.class);
    }

    @Test
    void maintenanceMatviewsTypesTriggersRenames() {
        assertThat(((Reindex) r("REINDEX (VERBOSE, CONCURRENTLY) INDEX i")).concurrently()).isTrue();
        assertThat(((Reindex) r("REINDEX TABLE CONCURRENTLY t")).concurrently()).isTrue();
        assertThat(((Reindex) r("REINDEX TABLE t")).concurrently()).isFalse();
        assertThat(((Maintenance) r("VACUUM (FULL, ANALYZE) t")).full()).isTrue();
        assertThat(((Maintenance) r("VACUUM ANALYZE t")).full()).isFalse();
        assertThat(((RefreshMaterializedView) r("REFRESH MATERIALIZED VIEW CONCURRENTLY mv")).concurrently()).isTrue();
        assertThat(((AlterType) r("ALTER TYPE mood ADD VALUE 'x' AFTER 'y'")).addValue()).isTrue();
        assertThat(((AlterType) r("ALTER TYPE mood RENAME VALUE 'x' TO 'y'")).renameValue()).isTrue();
        CreateTrigger tr = (CreateTrigger) r("CREATE OR REPLACE TRIGGER trg BEFORE INSERT OR UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION f()");
        assertThat(tr.table().name()).isEqualTo("users");
        RenameObject ro = (RenameObject) r("ALTER SEQUENCE s RENAME TO s2");
        assertThat(ro.objectKind()).isEqualTo("sequence");
        assertThat(ro.to()).isEqualTo("s2");
    }

    @Test
    void postgresCommandsTheModelNeedsNotAreOpaqueNeverAnError() {
        assertThat(r("SELECT 1")).isInstanceOf(Opaque.class);
        assertThat(r("CREATE AGGREGATE a (int) (sfunc = int4pl, stype = int)")).isInstanceOf(Opaque.class);
        assertThat(r("GRANT SELECT ON t TO r")).isInstanceOf(Opaque.class);
        assertThat(r("COMMENT ON TABLE t IS 'x'")).isInstanceOf(Opaque.class);
        assertThat(r("ALTER INDEX i SET TABLESPACE fast")).isInstanceOf(Opaque.class);
        assertThat(r("DROP OWNED BY app")).isInstanceOf(Opaque.class);
        assertThat(r("CREATE OR REPLACE RECURSIVE VIEW v (n) AS SELECT 1")).isInstanceOf(Opaque.class);
        assertThat(r("(SELECT 1)")).isInstanceOf(Opaque.class);
    }

    @Test
    void statementsTheReaderCannotFollowAreUnreadableWithTheReason() {
        assertThat(r("ALTER TABLE")).isInstanceOfSatisfying(Recognized.Unreadable.class, u -> {
            assertThat(u.reason()).isEqualTo("ALTER TABLE without a table name the reader could find");
            assertThat(u.failure()).isNull();
        });
        assertThat(r("CREATE INDEX")).isInstanceOfSatisfying(Recognized.Unreadable.class,
                u -> assertThat(u.reason()).isEqualTo("CREATE INDEX without a table name the reader could find"));
        assertThat(r("CRATE TABLE t (id int)")).isInstanceOfSatisfying(Recognized.Unreadable.class,
                u -> assertThat(u.reason()).isEqualTo("\"CRATE\" is not a PostgreSQL command"));
        assertThat(r("DELIMITER //")).isInstanceOf(Recognized.Unreadable.class);
        assertThat(r("CREATE WIDGET w")).isInstanceOfSatisfying(Recognized.Unreadable.class,
                u -> assertThat(u.reason()).isEqualTo("\"WIDGET\" is not an object kind CREATE takes"));
        assertThat(r("DROP")).isInstanceOfSatisfying(Recognized.Unreadable.class,
                u -> assertThat(u.reason()).isEqualTo("DROP without an object to act on"));
    }

    @Test
    void createFunctionKeepsItsDeclaredVolatilityAndDefaultsToVolatile() {
        assertThat(r("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"))
                .isEqualTo(new Recognized.CreateFunction(((Recognized.CreateFunction) r("CREATE FUNCTION f() RETURNS int"
                        + " LANGUAGE sql AS $$ SELECT 1 $$")).name(), "volatile"));
        assertThat(((Recognized.CreateFunction) r("CREATE OR REPLACE FUNCTION app.slug(t text) RETURNS text"
                + " LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$")).volatility()).isEqualTo("immutable");
        assertThat(((Recognized.CreateFunction) r("CREATE FUNCTION tenant() RETURNS bigint AS $$ SELECT 1 $$"
                + " LANGUAGE sql STABLE")).volatility()).isEqualTo("stable");
        assertThat(((Recognized.CreateFunction) r("CREATE FUNCTION f() RETURNS text LANGUAGE sql AS"
                + " $$ SELECT 'stable' $$")).volatility()).as("words inside the body do not count").isEqualTo("volatile");
    }
}
