package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two runs at once: the second waits for the first and says who it waits for. */
class AdvisoryLockIT {
    @TempDir
    Path tmp;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("advisory");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private TestProject slowProject(Path dir, String seconds) throws Exception {
        Files.createDirectories(dir);
        return new TestProject(dir).write("0001_slow.sql", bulwark("CREATE TABLE slow (id int);\nSELECT pg_sleep(" + seconds + ");", "DROP TABLE slow;"));
    }

    private static void awaitSleeping(TestDatabase db) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (!"0".equals(Sql.value(db.spec(), "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first run never started its migration");
    }

    @Test
    void concurrentSecondRunWaitsNamesTheHolderAndThenFindsNothingToDo() throws Exception {
        TestProject first = slowProject(tmp.resolve("a"), "2");
        TestProject second = slowProject(tmp.resolve("b"), "2");
        CompletableFuture<MigrateResult> run1 = CompletableFuture.supplyAsync(() -> {
            try (Bulwark b = first.open(db.spec())) {
                return b.migrate(null, false, false);
            }
        });
        awaitSleeping(db);
        MigrateResult r2;
        try (Bulwark b = second.open(db.spec())) {
            r2 = b.migrate(null, false, false);
        }
        assertThat(run1.get(30, TimeUnit.SECONDS).applied()).hasSize(1);
        assertThat(r2.applied()).isEmpty();
        assertThat(second.warnings).anySatisfy(w -> assertThat(w)
                .contains("waiting for the migration lock, held by pid")
                .contains("application_name bulwark-lock")
                .contains("since"));
    }

    @Test
    void secondRunGivesUpAfterLockWaitWithItsOwnErrorCode() throws Exception {
        TestProject first = slowProject(tmp.resolve("a"), "3");
        TestProject second = slowProject(tmp.resolve("b"), "3");
        second.lockWait = Duration.ofMillis(600);
        CompletableFuture<MigrateResult> run1 = CompletableFuture.supplyAsync(() -> {
            try (Bulwark b = first.open(db.spec())) {
                return b.migrate(null, false, false);
            }
        });
        awaitSleeping(db);
        try (Bulwark b = second.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.LOCK_NOT_ACQUIRED))
                    .hasMessageContaining("another Bulwark run holds the migration lock: pid")
                    .hasMessageContaining("application_name bulwark-lock");
        }
        assertThat(run1.get(30, TimeUnit.SECONDS).applied()).hasSize(1);
    }
}
