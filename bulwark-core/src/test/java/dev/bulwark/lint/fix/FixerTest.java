package dev.bulwark.lint.fix;

import dev.bulwark.lint.Finding;
import dev.bulwark.lint.LintOptions;
import dev.bulwark.lint.LintResult;
import dev.bulwark.lint.Linter;
import dev.bulwark.migration.MigrationSources;
import dev.bulwark.sql.SqlSplitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FixerTest {
    @TempDir
    Path dir;

    private final Linter linter = Linter.standard(LintOptions.defaults());

    private LintResult lint(Path migrations) {
        return linter.lint(MigrationSources.read(migrations, null), dir);
    }

    private List<String> rules(LintResult r) {
        return r.findings().stream().map(Finding::ruleId).toList();
    }

    private Path bulwark(String up) throws Exception {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_init.sql"), "-- bulwark:up\nCREATE TABLE users (id bigint PRIMARY KEY,"
                + " email text, age int);\nCREATE INDEX users_age_idx ON users (age);\n-- bulwark:down\nDROP TABLE users;\n");
        Files.writeString(m.resolve("20260102000000_change.sql"), "-- bulwark:up\n" + up + "\n-- bulwark:down\nSELECT 1;\n");
        return m;
    }

    private void assertFixed(Path migrations, String rule) throws Exception {
        assertThat(rules(lint(migrations))).contains(rule);
        Fixer.Fixed fixed = new Fixer().fix(lint(migrations), linter, dir);
        assertThat(fixed.changed()).isNotEmpty();
        for (String f : fixed.changed()) {
            SqlSplitter.split(Files.readString(Path.of(f)), f, 1);
        }
        List<String> after = rules(lint(migrations));
        assertThat(after).doesNotContain(rule, "concurrently-in-transaction", "validate-in-same-transaction");
    }

    @Test
    void createIndexGetsConcurrentlyInABulwarkMigration() throws Exception {
        Path m = bulwark("ALTER TABLE users ADD COLUMN x text;\nCREATE INDEX users_email_idx ON users (email);");
        assertFixed(m, "require-concurrent-index");
        assertThat(Files.readString(m.resolve("20260102000000_change.sql")))
                .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);");
    }

    @Test
    void dropIndexGetsConcurrently() throws Exception {
        Path m = bulwark("DROP INDEX users_age_idx;");
        assertFixed(m, "require-concurrent-index-drop");
        assertThat(Files.readString(m.resolve("20260102000000_change.sql"))).contains("DROP INDEX CONCURRENTLY IF EXISTS users_age_idx;");
    }

    @Test
    void aBlockingDropIndexInADownIsReportedAsTheDownsAndFixedThereUntilTheSetLintsClean() throws Exception {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("20260101000000_init.sql"), "-- bulwark:up\nCREATE TABLE users (id bigint PRIMARY KEY,"
                + " email text);\n-- bulwark:down\nDROP TABLE users;\n");
        Files.writeString(m.resolve("20260102000000_email_index.sql"), "-- bulwark:up\n"
                + "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n"
                + "-- bulwark:down\nDROP INDEX users_email_idx;\n");
        LintResult before = lint(m);
        assertThat(before.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("require-concurrent-index-drop");
            assertThat(f.part()).isEqualTo(Finding.Part.DOWN);
            assertThat(f.line()).isEqualTo(4);
        });
        Fixer.Fixed fixed = new Fixer().fix(before, linter, dir);
        assertThat(fixed.fixes()).containsExactly("require-concurrent-index-drop at 20260102000000_email_index.sql:4 (down)");
        assertThat(Files.readString(m.resolve("20260102000000_email_index.sql")))
                .endsWith("-- bulwark:down\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n");
        assertThat(lint(m).findings()).isEmpty();
    }

    @Test
    void constraintGetsNotValidAndAValidateMigrationRightAfter() throws Exception {
        Path m = bulwark("ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);");
        assertFixed(m, "constraint-not-valid");
        assertThat(Files.readString(m.resolve("20260102000000_change.sql"))).contains("CHECK (age > 0) NOT VALID;");
        assertThat(Files.readString(m.resolve("20260102000001_validate_age_positive.sql")))
                .contains("ALTER TABLE users VALIDATE CONSTRAINT age_positive;");
    }

    @Test
    void setNotNullBecomesTheCheckSequenceInThreeMigrations() throws Exception {
        Path m = bulwark("ALTER TABLE users ALTER COLUMN email SET NOT NULL;");
        assertFixed(m, "set-not-null");
        assertThat(Files.readString(m.resolve("20260102000000_change.sql")))
                .contains("ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;");
        assertThat(Files.readString(m.resolve("20260102000002_set_email_not_null.sql")))
                .contains("ALTER TABLE users ALTER COLUMN email SET NOT NULL;")
                .contains("ALTER TABLE users DROP CONSTRAINT users_email_not_null;");
    }

    @Test
    void flywayFollowUpGetsADottedVersionBetweenTheTwoMigrations() throws Exception {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("V1__init.sql"), "CREATE TABLE users (id bigint, age int);\n");
        Files.writeString(m.resolve("V2__check.sql"), "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);\n");
        Files.writeString(m.resolve("V3__later.sql"), "SELECT 1;\n");
        assertFixed(m, "constraint-not-valid");
        assertThat(m.resolve("V2.1__validate_age_positive.sql")).exists();
        assertThat(MigrationSources.read(m, null).migrations()).extracting(x -> x.id()).containsExactly("1", "2", "2.1", "3");
    }

    @Test
    void concurrentlyIsNotAddedWhereTheStatementWouldStillRunInATransaction() throws Exception {
        Path m = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(m.resolve("V1__init.sql"), "CREATE TABLE users (id bigint, email text);\n");
        String v2 = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";
        Files.writeString(m.resolve("V2__idx.sql"), v2);
        Fixer.Fixed fixed = new Fixer().fix(lint(m), linter, dir);
        assertThat(fixed.skipped()).anyMatch(s -> s.startsWith("require-concurrent-index at V2__idx.sql:2"));
        assertThat(Files.readString(m.resolve("V2__idx.sql"))).isEqualTo(v2);
    }
}
