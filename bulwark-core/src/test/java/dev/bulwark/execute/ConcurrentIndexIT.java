package dev.bulwark.execute;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.history.HistoryEntry;
import dev.bulwark.plan.MigrationState;
import dev.bulwark.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.bulwark.execute.TestProject.bulwark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CONCURRENTLY statements run outside the transaction and never leave an INVALID index behind. */
class ConcurrentIndexIT {
    @TempDir
    Path tmp;
    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create("concurrent");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String invalidIndexes() {
        return Sql.value(db.spec(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid");
    }

    @Test
    void concurrentIndexInAnOrdinaryMigrationRunsOutsideTheTransaction() {
        TestProject p = new TestProject(tmp).write("0001_users.sql", bulwark(
                "CREATE TABLE users (id int PRIMARY KEY, email text);\n"
                        + "INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 1000) g;\n"
                        + "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
                        + "COMMENT ON INDEX users_email_idx IS 'built online';",
                "DROP INDEX CONCURRENTLY users_email_idx;\nDROP TABLE users;"));
        try (Bulwark b = p.open(db.spec())) {
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied()).hasSize(1);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
            assertThat(b.history().get(0).statements()).isEqualTo(4);
            assertThat(p.info).anySatisfy(l -> assertThat(l).contains("1 statement outside a transaction"));
            b.rollback(1, null, false);
        }
        assertThat(Sql.tableExists(db.spec(), "users")).isFalse();
    }

    @Test
    void failedConcurrentBuildDropsItsInvalidIndexAndResumesAtTheFailedStatement() {
        TestProject p = new TestProject(tmp).write("0001_emails.sql", bulwark(
                "CREATE TABLE emails (id int PRIMARY KEY, address text);\n"
                        + "INSERT INTO emails VALUES (1, 'same'), (2, 'same');\n"
                        + "CREATE UNIQUE INDEX CONCURRENTLY emails_address_key ON emails (address);\n"
                        + "ALTER TABLE emails ADD CONSTRAINT emails_address_unique UNIQUE USING INDEX emails_address_key;",
                "DROP TABLE emails;"));
        try (Bulwark b = p.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_NOT_ROLLED_BACK))
                    .hasMessageContaining("statement 3 of 4")
                    .hasMessageContaining("could not create unique index")
                    .satisfies(e -> assertThat(((BulwarkException) e).fix()).contains("resume at statement 3"));
            assertThat(invalidIndexes()).isEqualTo("0");
            assertThat(p.warnings).anySatisfy(w -> assertThat(w).contains("dropped INVALID index").contains("emails_address_key"));
            HistoryEntry row = b.history().get(0);
            assertThat(row.status()).isEqualTo(HistoryEntry.Status.FAILED);
            assertThat(row.resumeFrom()).isEqualTo(2);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.FAILED);
        }
        // a human fixes the data; the next run starts at the failed statement, not from the top
        Sql.exec(db.spec(), "UPDATE emails SET address = 'other' WHERE id = 2");
        try (Bulwark b = p.open(db.spec())) {
            MigrateResult r = b.migrate(null, false, false);
            assertThat(r.applied().get(0).resumedFrom()).isEqualTo(2);
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.APPLIED);
        }
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM emails")).isEqualTo("2");
        assertThat(Sql.value(db.spec(), "SELECT count(*) FROM pg_constraint WHERE conname = 'emails_address_unique'")).isEqualTo("1");
    }

    @Test
    void failureInTheFirstStepOfAMixedMigrationLeavesNoTrace() {
        TestProject p = new TestProject(tmp).write("0001_bad.sql", bulwark(
                "CREATE TABLE t (id int);\nINSERT INTO missing VALUES (1);\nCREATE INDEX CONCURRENTLY t_id ON t (id);", null));
        try (Bulwark b = p.open(db.spec())) {
            assertThatThrownBy(() -> b.migrate(null, false, false))
                    .isInstanceOf(BulwarkException.class)
                    .satisfies(e -> assertThat(((BulwarkException) e).code()).isEqualTo(ErrorCode.FAILED_ROLLED_BACK))
                    .hasMessageContaining("nothing of it was applied");
            assertThat(b.history()).isEmpty();
            assertThat(b.status().get(0).state()).isEqualTo(MigrationState.PENDING);
        }
        assertThat(Sql.tableExists(db.spec(), "t")).isFalse();
    }
}
