package dev.bulwark.migration;

import dev.bulwark.sql.SqlSplitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class GooseReaderTest {
    private final GooseReader reader = new GooseReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.GOOSE, reader.read(dir(fixture)));
    }

    @Test
    void upAndDownSectionsOfOneFileMakeOneMigration() {
        MigrationSet set = read("goose/ok");
        Migration m = byId(set, "00001");

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("00001", "00002", "00003");
        assertThat(m.description()).isEqualTo("create users");
        assertThat(m.toolName()).isEqualTo("1");
        assertThat(m.up().sql()).isEqualTo("CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n\n");
        assertThat(m.up().firstLine()).isEqualTo(2);
        assertThat(m.down().sql()).isEqualTo("DROP TABLE users;\n");
        assertThat(m.options().transactional()).isTrue();
    }

    @Test
    void aFunctionBodyBetweenStatementBeginAndEndIsOneStatement() {
        Migration m = byId(read("goose/ok"), "00002");

        var statements = SqlSplitter.split(m.up().sql(), "00002", m.up().firstLine());

        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).sql()).startsWith("CREATE FUNCTION touch()").endsWith("LANGUAGE plpgsql");
        assertThat(statements.get(0).line()).isEqualTo(3);
        assertThat(statements.get(1).sql()).isEqualTo("ALTER TABLE users ADD COLUMN email text");
    }

    @Test
    void noTransactionAnnotationTakesTheMigrationOutOfTheTransaction() {
        assertThat(byId(read("goose/ok"), "00003").options().transactional()).isFalse();
    }

    @Test
    void aGoMigrationIsALayoutProblemAndTheSqlOnesAreStillRead() {
        MigrationSet set = MigrationSources.readLenient(dir("goose/with-go"), MigrationFormat.GOOSE);

        assertThat(set.migrations()).extracting(m -> m.location().getFileName().toString())
                .contains("00001_create_users.sql", "00003_drop_name.sql", "3_add_email.sql");
        assertThat(set.problems()).extracting(p -> p.file().getFileName().toString(), LayoutProblem::rule)
                .containsExactlyInAnyOrder(
                        tuple("00002_backfill.go", LayoutProblem.LAYOUT),
                        tuple("3_add_email.sql", LayoutProblem.DUPLICATE));
        assertThat(set.problems()).filteredOn(p -> p.file().getFileName().toString().endsWith(".go"))
                .singleElement().satisfies(p -> {
                    assertThat(p.reason()).contains("written in Go");
                    assertThat(p.fix()).isNotBlank();
                });
    }

    @Test
    void readingStrictlyRefusesNamingEveryProblemAtOnce() {
        var e = usageError(() -> MigrationSources.read(dir("goose/with-go"), MigrationFormat.GOOSE));

        assertThat(e.getMessage()).startsWith("2 problems in ").contains("00002_backfill.go").contains("3_add_email.sql");
    }

    @Test
    void annotationsGooseRefusesAreProblemsNamingTheLine() {
        MigrationSet set = MigrationSources.readLenient(dir("goose/bad-annotations"), MigrationFormat.GOOSE);

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("00002");
        assertThat(set.problems()).extracting(p -> p.file().getFileName().toString())
                .containsExactlyInAnyOrder("00001_no_up.sql", "00002_unwrapped_function.sql", "00003_unclosed_block.sql");
        assertThat(set.problems()).filteredOn(p -> p.file().getFileName().toString().startsWith("00001"))
                .singleElement().satisfies(p -> assertThat(p.reason()).contains("line 1").contains("before -- +goose Up"));
        assertThat(set.problems()).filteredOn(p -> p.file().getFileName().toString().startsWith("00003"))
                .singleElement().satisfies(p -> assertThat(p.reason()).contains("never closed by StatementEnd"));
    }

    @Test
    void aFunctionBodyGooseWouldCutAtALineEndingSemicolonIsAProblem() {
        MigrationSet set = MigrationSources.readLenient(dir("goose/bad-annotations"), MigrationFormat.GOOSE);

        assertThat(set.problems()).filteredOn(p -> p.file().getFileName().toString().startsWith("00002"))
                .singleElement().satisfies(p -> {
                    assertThat(p.reason()).contains("line 4").contains("begun on line 2").contains("half");
                    assertThat(p.fix()).contains("StatementBegin");
                });
    }

    @Test
    void annotationsAreMatchedAsGooseMatchesThem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("1_a.sql"), "-- a comment first\n\n--+goose Up\nSELECT 1; -- trailing\n--   +goose Down  \nSELECT 2;\n");

        Migration m = reader.read(dir).get(0);

        assertThat(m.up().sql()).isEqualTo("SELECT 1; -- trailing\n");
        assertThat(m.down().sql()).isEqualTo("SELECT 2;\n");
    }

    @Test
    void semicolonRuleIgnoresATrailingComment() {
        assertThat(GooseReader.endsWithSemicolon("SELECT 1; -- done")).isTrue();
        assertThat(GooseReader.endsWithSemicolon("SELECT 1 -- not; done")).isFalse();
        assertThat(GooseReader.endsWithSemicolon("  RETURN 1;  ")).isTrue();
    }

    @Test
    void envsubstIsAProblemSinceBulwarkDoesNotSubstitute(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("1_a.sql"), "-- +goose ENVSUBST ON\n-- +goose Up\nCREATE ROLE ${APP_ROLE};\n");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("ENVSUBST");
    }

    @Test
    void versionZeroIsRefusedAsGooseRefusesIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0_a.sql"), "-- +goose Up\nSELECT 1;\n");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("version 0");
    }

    @Test
    void newMigrationWritesAGooseFileThatReadsBackAfterTheOthers(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("00007_a.sql"), "-- +goose Up\nSELECT 1;\n");
        java.time.Clock noon = java.time.Clock.fixed(java.time.Instant.parse("2026-11-21T12:00:00Z"), java.time.ZoneOffset.UTC);

        var written = ProjectScaffold.newMigration(dir, "add orders", null, noon);

        assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("00008_add_orders.sql");
        MigrationSet set = MigrationSources.readLenient(dir, MigrationFormat.GOOSE);
        assertThat(set.problems()).isEmpty();
        assertThat(set.migrations()).extracting(Migration::id).containsExactly("00007", "00008");
        assertThat(byId(set, "00008").hasDown()).isTrue();
    }

    @Test
    void theLayoutIsDetected() {
        assertThat(MigrationSources.detect(dir("goose/ok"))).isEqualTo(MigrationFormat.GOOSE);
        assertThat(MigrationSources.detect(dir("goose/with-go"))).isEqualTo(MigrationFormat.GOOSE);
    }

    @Test
    void aVersionTooLargeForVersionIdIsAProblemAndGoTestFilesAreNotMigrations(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("00001_a.sql"), "-- +goose Up\nCREATE TABLE a (id int);\n");
        Files.writeString(dir.resolve("20240101120000000001_b.sql"), "-- +goose Up\nCREATE TABLE b (id int);\n");
        // goose builds *_test.go with the package's tests, never as a migration
        Files.writeString(dir.resolve("00002_helpers_test.go"), "package migrations\n");
        MigrationSet set = MigrationSources.readLenient(dir, MigrationFormat.GOOSE);

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("00001", "20240101120000000001");
        assertThat(set.problems()).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString("20240101120000000001_b.sql");
            assertThat(p.reason()).contains("larger than goose can record in its bigint version_id column (9223372036854775807)");
        });
    }
}
