package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class DieselReaderTest {
    private final DieselReader reader = new DieselReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.DIESEL, reader.read(dir(fixture)));
    }

    @Test
    void eachFolderWithUpSqlIsOneMigrationVersionedAsDieselRecordsIt() {
        MigrationSet set = read("diesel/ok");

        assertThat(set.migrations()).extracting(Migration::id)
                .containsExactly("00000000000000", "20230101000000", "20230102000000");
        Migration users = byId(set, "20230101000000");
        assertThat(users.toolName()).isEqualTo("20230101000000");
        assertThat(users.description()).isEqualTo("create users");
        assertThat(users.up().sql()).isEqualTo("CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n");
        assertThat(users.down().sql()).isEqualTo("DROP TABLE users;\n");
        assertThat(users.location().getFileName()).hasToString("2023-01-01-000000_create_users");
        assertThat(users.options().transactional()).isTrue();
    }

    @Test
    void versionIsTheNameUpToTheFirstUnderscoreWithoutDashes() {
        assertThat(DieselReader.version("2023-01-01-000000_create_users")).isEqualTo("20230101000000");
        assertThat(DieselReader.version("00000000000000_diesel_initial_setup")).isEqualTo("00000000000000");
        assertThat(DieselReader.version("20230101000000_a_b")).isEqualTo("20230101000000");
        assertThat(DieselReader.version("nounderscore")).isEqualTo("nounderscore");
    }

    @Test
    void metadataRunInTransactionFalseTakesTheMigrationOutOfTheTransaction() {
        Migration m = byId(read("diesel/ok"), "20230102000000");

        assertThat(m.options().transactional()).isFalse();
        assertThat(m.toolData()).containsEntry(DieselReader.RUN_IN_TRANSACTION, "false");
    }

    @Test
    void metadataThatParsesWithoutTheKeyIsNoTransactionAsSerdesFieldDefault(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("2023-01-01-000000_a"));
        Files.writeString(folder.resolve("up.sql"), "SELECT 1;\n");
        Files.writeString(folder.resolve("metadata.toml"), "# nothing set\n");

        assertThat(reader.read(dir)).singleElement().satisfies(m -> assertThat(m.options().transactional()).isFalse());
    }

    @Test
    void metadataThatDoesNotParseIsAProblemAndTheMigrationKeepsItsTransaction(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("2023-01-01-000000_a"));
        Files.writeString(folder.resolve("up.sql"), "SELECT 1;\n");
        Files.writeString(folder.resolve("metadata.toml"), "run_in_transaction = = false\n");

        MigrationSet set = MigrationSources.readLenient(dir, MigrationFormat.DIESEL);

        assertThat(set.migrations()).singleElement().satisfies(m -> assertThat(m.options().transactional()).isTrue());
        assertThat(set.problems()).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString("metadata.toml");
            assertThat(p.reason()).contains("not valid TOML");
        });
    }

    @Test
    void readingLenientlyReportsEveryLayoutProblemAndReadsTheRest() {
        MigrationSet set = MigrationSources.readLenient(dir("diesel/mixed"), MigrationFormat.DIESEL);

        assertThat(set.migrations()).extracting(m -> m.location().getFileName().toString()).containsExactly(
                "2023-01-01-000000_create_orders", "2023-01-01-000000_create_users", "2023-01-04-000000_add_email");
        assertThat(set.problems()).extracting(p -> p.file().getFileName().toString(), LayoutProblem::rule)
                .containsExactlyInAnyOrder(
                        tuple("2023-01-01-000000_create_users", LayoutProblem.DUPLICATE),
                        tuple("2023-01-03-000000_notes", LayoutProblem.LAYOUT),
                        tuple("stray.sql", LayoutProblem.LAYOUT));
        assertThat(set.problems()).allSatisfy(p -> {
            assertThat(p.reason()).isNotBlank().doesNotContain("\n");
            assertThat(p.fix()).isNotBlank();
        });
    }

    @Test
    void readingStrictlyRefusesNamingEveryProblemAtOnce() {
        var e = usageError(() -> MigrationSources.read(dir("diesel/mixed"), MigrationFormat.DIESEL));

        assertThat(e.getMessage()).startsWith("3 problems in ").contains("nothing was applied")
                .contains("2023-01-01-000000_create_users").contains("2023-01-03-000000_notes").contains("stray.sql");
    }

    @Test
    void anEmptyUpSqlIsAProblemAsDieselRefusesIt(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("2023-01-01-000000_a"));
        Files.writeString(folder.resolve("up.sql"), "");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("up.sql").contains("empty");
    }

    @Test
    void aVersionLongerThanDieselsColumnIsAProblem(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("1".repeat(51) + "_a"));
        Files.writeString(folder.resolve("up.sql"), "SELECT 1;\n");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("VARCHAR(50)");
    }

    @Test
    void newMigrationWritesAFolderInDieselsStyleThatReadsBackAfterTheOthers(@TempDir Path dir) throws Exception {
        Path old = Files.createDirectories(dir.resolve("2023-01-01-000000_a"));
        Files.writeString(old.resolve("up.sql"), "SELECT 1;\n");
        java.time.Clock noon = java.time.Clock.fixed(java.time.Instant.parse("2026-11-21T12:00:00Z"), java.time.ZoneOffset.UTC);

        var written = ProjectScaffold.newMigration(dir, "add orders", null, noon);

        assertThat(written).extracting(p -> dir.relativize(p).toString())
                .containsExactly("2026-11-21-120000_add_orders/up.sql", "2026-11-21-120000_add_orders/down.sql");
        assertThat(reader.read(dir)).extracting(Migration::id).contains("20261121120000");
    }

    @Test
    void theLayoutIsDetected() {
        assertThat(MigrationSources.detect(dir("diesel/ok"))).isEqualTo(MigrationFormat.DIESEL);
    }
}
