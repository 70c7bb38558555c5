package dev.bulwark.trace;

import dev.bulwark.sql.SqlSplitter;
import dev.bulwark.sql.Statement;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tracer sees is what PostgreSQL 15 does: these are facts about the server, checked on it. */
class StatementTracerIT {
    TestDatabase db;
    Connection c;
    StatementTracer tracer;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create("tracer");
        c = db.open();
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE parent (id int PRIMARY KEY);"
                    + "CREATE TABLE child (id int PRIMARY KEY, parent_id int, amount int, label varchar(10));"
                    + "INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1, 5, 'a')");
        }
        tracer = new StatementTracer(c);
        tracer.startMigration();
        c.setAutoCommit(false);
    }

    @AfterEach
    void tearDown() throws Exception {
        c.rollback();
        c.close();
        db.close();
    }

    private StatementTrace trace(String sql) {
        Statement s = SqlSplitter.split(sql, "t.sql", 1).get(0);
        return tracer.traceInTransaction(s, 0);
    }

    @Test
    void typeChangeThatIsNotBinaryCoercibleRewritesUnderAccessExclusive() {
        StatementTrace t = trace("ALTER TABLE child ALTER COLUMN amount TYPE bigint");
        assertThat(t.error()).isNull();
        assertThat(t.locks()).contains(new LockTaken("public.child", "table", "AccessExclusiveLock"));
        assertThat(t.rewritten()).contains("public.child");
    }

    @Test
    void wideningAVarcharNeitherRewritesNorScans() {
        StatementTrace t = trace("ALTER TABLE child ALTER COLUMN label TYPE varchar(20)");
        assertThat(t.locks()).contains(new LockTaken("public.child", "table", "AccessExclusiveLock"));
        assertThat(t.rewritten()).isEmpty();
        assertThat(t.scans()).isEmpty();
    }

    @Test
    void addingAForeignKeyLocksBothTablesAndScansTheChild() {
        StatementTrace t = trace("ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)");
        assertThat(t.locks()).contains(new LockTaken("public.child", "table", "ShareRowExclusiveLock"),
                new LockTaken("public.parent", "table", "ShareRowExclusiveLock"));
        assertThat(t.scans()).extracting(ScanObserved::table).contains("public.child");
        assertThat(t.rewritten()).isEmpty();
    }

    @Test
    void notValidForeignKeySkipsTheScan() {
        StatementTrace t = trace("ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID");
        assertThat(t.scans()).isEmpty();
    }

    @Test
    void setNotNullScansUnderAccessExclusive() {
        StatementTrace t = trace("ALTER TABLE child ALTER COLUMN amount SET NOT NULL");
        assertThat(t.locks()).contains(new LockTaken("public.child", "table", "AccessExclusiveLock"));
        assertThat(t.scans()).extracting(ScanObserved::table).contains("public.child");
    }

    @Test
    void plainCreateIndexTakesShareOnTheTable() {
        StatementTrace t = trace("CREATE INDEX child_amount_idx ON child (amount)");
        assertThat(t.locks()).contains(new LockTaken("public.child", "table", "ShareLock"));
        assertThat(t.locks()).noneMatch(LockTaken::blocksReads);
    }

    @Test
    void failedStatementReportsTheServerMessage() {
        StatementTrace t = trace("ALTER TABLE nope ADD COLUMN x int");
        assertThat(t.error()).contains("relation \"nope\" does not exist").contains("42P01");
    }
}
