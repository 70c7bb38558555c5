package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Embedded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An autovacuum that holds up a migration's ACCESS EXCLUSIVE request is cancelled at once. PostgreSQL
 * cancels it too, but only after deadlock_timeout (1 s by default), and the application's writes queue
 * behind the waiting request meanwhile: bench/expand.sh saw that as a 1.05 s stall of every write.
 * Here deadlock_timeout is a minute, so only Bulwark's cancel lets the migration through.
 */
class AutovacuumInTheWayIT {
    @TempDir
    Path serverDir;
    @TempDir
    Path projectDir;
    Embedded server;
    ConnectionSpec db;

    @BeforeEach
    void setUp() {
        // its own server: a 1 s autovacuum naptime would disturb the shared one's lock and rewrite tests
        server = Embedded.open(serverDir);
        db = server.connection();
        Sql.exec(db, "ALTER SYSTEM SET autovacuum_naptime = '1s'");
        Sql.exec(db, "ALTER SYSTEM SET deadlock_timeout = '60s'");
        Sql.exec(db, "SELECT pg_reload_conf()");
        // an autovacuum that takes minutes: it sleeps 100 ms after every page
        Sql.exec(db, "CREATE TABLE events (id int PRIMARY KEY, pad text NOT NULL) WITH (autovacuum_vacuum_threshold = 0,"
                + " autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1)");
        Sql.exec(db, "INSERT INTO events SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        Sql.exec(db, "DELETE FROM events WHERE id % 2 = 0");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String autovacuumOnEvents() {
        return Sql.value(db, "SELECT pid || ' ' || query FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
                + " AND query LIKE 'autovacuum: VACUUM%public.events%'");
    }

    @Test
    void anAutovacuumThatHoldsUpAMigrationsLockIsCancelledAtOnce() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String autovacuum;
        while ((autovacuum = autovacuumOnEvents()) == null) {
            assertThat(System.nanoTime()).as("an autovacuum of events started within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        String pid = autovacuum.substring(0, autovacuum.indexOf(' '));

        TestProject project = new TestProject(projectDir).write("0001_add_note.sql",
                bulwark("ALTER TABLE events ADD COLUMN note text;", "ALTER TABLE events DROP COLUMN note;"));
        project.lockTimeout = Duration.ofSeconds(5);
        project.retryBudget = Duration.ofSeconds(10);
        long t0 = System.nanoTime();
        try (Bulwark b = project.open(db)) {
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).hasSize(1);
            assertThat(r.applied().get(0).lockRetries()).as("no lock timeout: the autovacuum was out of the way").isZero();
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertThat(ms).as("the migration did not wait for the autovacuum").isLessThan(5000);
        assertThat(project.warnings).as(String.join("\n", project.warnings)).anySatisfy(w -> assertThat(w)
                .startsWith("  cancelled autovacuum: VACUUM")
                .contains("public.events (pid " + pid + "), which held up this statement's lock"));
        assertThat(Sql.value(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'events'"
                + " AND column_name = 'note'")).isEqualTo("1");
    }
}
