package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** lock_timeout and retries against a real blocking transaction. */
class LockRetryIT {
    @TempDir
    Path tmp;
    TestDatabase db;
    TestProject project;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("lock_retry");
        Sql.exec(db.spec(), "CREATE TABLE accounts (id int PRIMARY KEY)");
        project = new TestProject(tmp).write("0001_add_note.sql",
                bulwark("ALTER TABLE accounts ADD COLUMN note text;", "ALTER TABLE accounts DROP COLUMN note;"));
        project.lockTimeout = Duration.ofMillis(200);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** A session that reads the table in an open transaction: ALTER TABLE must wait for it. */
    private Connection blocker() throws Exception {
        Connection c = db.spec().open("long-report");
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT * FROM accounts");
        }
        return c;
    }

    /** Looked up from another session, so the blocker's last query stays the SELECT on accounts. */
    private int pid(Connection blocker) {
        return Integer.parseInt(Sql.value(db.spec(), "SELECT pid FROM pg_stat_activity WHERE application_name = 'long-report'"));
    }

    @Test
    void retrySucceedsOnceTheBlockingTransactionEnds() throws Exception {
        Connection blocker = blocker();
        int blockerPid = pid(blocker);
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(1500);
                blocker.commit();
                blocker.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        release.start();
        try (Bulwark b = project.open(db.spec())) {
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).hasSize(1);
            assertThat(r.applied().get(0).lockRetries()).isGreaterThanOrEqualTo(1);
            assertThat(r.applied().get(0).lockWaitMs()).isGreaterThan(0);
            assertThat(b.history().get(0).lockWaitMs()).isGreaterThan(0);
        }
        release.join();
        assertThat(project.warnings).anySatisfy(w -> assertThat(w)
                .contains("lock timeout")
                .contains("blocked by pid " + blockerPid)
                .contains("application_name long-report"));
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'"))
                .isEqualTo("1");
    }

    @Test
    void givesUpWithinTheBudgetNamingTheBlockerAndChangesNothing() throws Exception {
        project.retryBudget = Duration.ofMillis(1500);
        try (Connection blocker = blocker(); Bulwark b = project.open(db.spec())) {
            int blockerPid = pid(blocker);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_ROLLED_BACK))
                    .hasMessageContaining("lock timeouts")
                    .hasMessageContaining("blocked by pid " + blockerPid)
                    .hasMessageContaining("application_name long-report")
                    .hasMessageContaining("SELECT * FROM accounts")
                    .hasMessageContaining("rolled back");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(b.history()).isEmpty();
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'"))
                .isEqualTo("0");
    }

    @Test
    void everyStatementRunsUnderTheConfiguredLockTimeout() throws Exception {
        project.write("0002_show.sql", bulwark("CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lt;", "DROP TABLE seen;"));
        try (Bulwark b = project.open(db.spec())) {
            b.migrate(null, false, false);
        }
        assertThat(Sql.value(db.spec(), "SELECT lt FROM seen")).isEqualTo("200ms");
    }
}
