package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class GolangMigrateReaderTest {
    private final GolangMigrateReader reader = new GolangMigrateReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.GOLANG_MIGRATE, reader.read(dir(fixture)));
    }

    @Test
    void upAndDownFilesOfOneVersionMakeOneMigration() {
        MigrationSet set = read("golang-migrate/ok");
        Migration m = byId(set, "000001");

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("000001", "000002");
        assertThat(m.description()).isEqualTo("create users");
        assertThat(m.up().sql()).isEqualTo("CREATE TABLE users (id bigint PRIMARY KEY);\n");
        assertThat(m.down().sql()).isEqualTo("DROP TABLE users;\n");
        assertThat(m.down().file().getFileName()).hasToString("000001_create_users.down.sql");
        assertThat(m.location().getFileName()).hasToString("000001_create_users.up.sql");
        assertThat(m.rawFile()).isEqualTo(m.up().sql());
    }

    @Test
    void upFileAloneHasNoDown() {
        assertThat(byId(read("golang-migrate/ok"), "000002").hasDown()).isFalse();
    }

    @Test
    void toolNameIsTheVersionAsTheBigintColumnHoldsIt() {
        assertThat(byId(read("golang-migrate/ok"), "000001").toolName()).isEqualTo("1");
    }

    @Test
    void bulwarkDirectivesInTheUpFileSetTheOptions() {
        assertThat(byId(read("golang-migrate/ok"), "000002").options().lockTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void downFileWithoutUpFileIsRejected() {
        var e = usageError(() -> read("golang-migrate/orphan-down"));

        assertThat(e.getMessage()).contains("000002_add_email.down.sql");
    }

    @Test
    void versionsWithDifferentZeroPaddingAreDuplicatesNamingBoth() {
        var e = usageError(() -> read("golang-migrate/duplicate-version"));

        assertThat(e.getMessage()).contains("000001_create_users.up.sql").contains("1_create_orders.up.sql");
    }

    @Test
    void sqlFileWithoutUpOrDownSuffixIsRejectedWithThePattern() {
        var e = usageError(() -> read("golang-migrate/misnamed"));

        assertThat(e.getMessage()).contains("000002_add_email.sql").contains("<version>_<name>.up.sql");
    }

    @Test
    void versionBeyondBigintIsRejected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("99999999999999999999_big.up.sql"), "SELECT 1;\n");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("99999999999999999999_big.up.sql");
    }

    @Test
    void readingLenientlyReportsEveryLayoutProblemAndReadsTheRest() {
        MigrationSet set = MigrationSources.readLenient(dir("golang-migrate/mixed"), MigrationFormat.GOLANG_MIGRATE);

        assertThat(set.migrations()).extracting(m -> m.location().getFileName().toString()).containsExactly(
                "000001_create_users.up.sql", "3_create_carts.up.sql", "000003_create_orders.up.sql");
        assertThat(set.problems()).extracting(p -> p.file().getFileName().toString(), LayoutProblem::rule)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("000002_backfill.go", LayoutProblem.LAYOUT),
                        org.assertj.core.groups.Tuple.tuple("3_create_carts.up.sql", LayoutProblem.DUPLICATE),
                        org.assertj.core.groups.Tuple.tuple("notes.sql", LayoutProblem.LAYOUT),
                        org.assertj.core.groups.Tuple.tuple("000009_gone.down.sql", LayoutProblem.LAYOUT));
        assertThat(set.problems()).allSatisfy(p -> {
            assertThat(p.reason()).isNotBlank().doesNotContain("\n");
            assertThat(p.fix()).isNotBlank();
        });
        assertThat(set.problems()).filteredOn(p -> p.file().getFileName().toString().endsWith(".go"))
                .singleElement().satisfies(p -> assertThat(p.reason()).contains("written in Go"));
    }

    @Test
    void readingStrictlyRefusesNamingEveryProblemAtOnce() {
        var e = usageError(() -> MigrationSources.read(dir("golang-migrate/mixed"), MigrationFormat.GOLANG_MIGRATE));

        assertThat(e.getMessage()).startsWith("4 problems in ").contains("nothing was applied")
                .contains("000002_backfill.go").contains("3_create_carts.up.sql").contains("notes.sql")
                .contains("000009_gone.down.sql");
    }

    @Test
    void aVersionTooLongForTheBigintColumnIsAProblemButStillRead() {
        MigrationSet set = MigrationSources.readLenient(dir("golang-migrate/twenty-digit"), MigrationFormat.GOLANG_MIGRATE);

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("1", "20240101120000000001");
        assertThat(set.problems()).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString("20240101120000000001_b.up.sql");
            assertThat(p.reason()).contains("larger than golang-migrate can record");
        });
    }
}
