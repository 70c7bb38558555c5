package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class MigrationSourcesTest {
    @ParameterizedTest
    @CsvSource({
            "bulwark/ok, BULWARK",
            "flyway/ok, FLYWAY",
            "golang-migrate/ok, GOLANG_MIGRATE",
            "dbmate/ok, DBMATE",
            "prisma/ok, PRISMA",
            "drizzle/ok, DRIZZLE",
            "diesel/ok, DIESEL",
            "goose/ok, GOOSE",
            "liquibase/sql, LIQUIBASE",
            "liquibase/yaml, LIQUIBASE",
    })
    void detectsEachLayoutFromItsFiles(String fixture, MigrationFormat expected) {
        assertThat(MigrationSources.detect(dir(fixture))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "bulwark/ok, 4",
            "flyway/ok, 5",
            "golang-migrate/ok, 2",
            "dbmate/ok, 3",
            "prisma/ok, 2",
            "drizzle/ok, 2",
            "diesel/ok, 3",
            "goose/ok, 3",
            "liquibase/sql, 5",
    })
    void readWithoutFormatDetectsAndReadsEveryLayout(String fixture, int count) {
        MigrationSet set = MigrationSources.read(dir(fixture), null);

        assertThat(set.format()).isEqualTo(MigrationSources.detect(dir(fixture)));
        assertThat(set.directory()).isEqualTo(dir(fixture));
        assertThat(set.migrations()).hasSize(count).allSatisfy(m -> assertThat(m.format()).isEqualTo(set.format()));
    }

    @Test
    void explicitFormatSkipsDetectionAndJudgesEveryFileByThatLayout() {
        // auto-detection calls this directory ambiguous; told it is Flyway, the bulwark file is misnamed
        var e = usageError(() -> MigrationSources.read(dir("detect/ambiguous"), MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains("0002_add_email.sql is not named as a flyway migration");
    }

    @Test
    void everyFormatHasAReader() {
        assertThat(MigrationSources.readers()).extracting(MigrationReader::format)
                .containsExactlyInAnyOrder(MigrationFormat.values());
    }

    @Test
    void directoryThatLooksLikeTwoLayoutsIsRejectedNamingWhatWasFoundAndTheFix() {
        var e = usageError(() -> MigrationSources.detect(dir("detect/ambiguous")));

        assertThat(e.getMessage()).contains("looks like more than one migration layout")
                .contains("flyway (V1__create_users.sql)")
                .contains("bulwark (0002_add_email.sql has -- bulwark:up)");
        assertThat(e.fix()).contains("--migration-format flyway").contains("--migration-format bulwark");
    }

    @Test
    void directoryWithNoKnownLayoutIsRejectedNamingTheFilesAndTheFix() {
        var e = usageError(() -> MigrationSources.detect(dir("detect/unrecognized")));

        assertThat(e.getMessage()).contains("no migrations recognized").contains("1 .sql file (schema.sql)");
        assertThat(e.fix()).contains("--migration-format");
    }

    @Test
    void alembicDirectoryIsDetectedAndReadStatically() {
        assertThat(MigrationSources.detect(dir("detect/alembic"))).isEqualTo(MigrationFormat.ALEMBIC);
        assertThat(MigrationSources.read(dir("detect/alembic"), null).format()).isEqualTo(MigrationFormat.ALEMBIC);
    }

    @Test
    void emptyDirectoryIsRejectedSayingHowToStart(@TempDir Path dir) {
        var e = usageError(() -> MigrationSources.detect(dir));

        assertThat(e.getMessage()).contains("empty");
        assertThat(e.fix()).contains("bulwark new").contains("--migration-format");
    }

    @Test
    void emptyDirectoryHasNoFormatToDetect(@TempDir Path dir) {
        assertThat(MigrationSources.detectIfAny(dir)).isEmpty();
    }

    @Test
    void missingDirectoryIsRejectedSuggestingInitOrDir(@TempDir Path dir) {
        var e = usageError(() -> MigrationSources.read(dir.resolve("migrations"), null));

        assertThat(e.getMessage()).contains("migrations").contains("does not exist");
        assertThat(e.fix()).contains("bulwark init").contains("--dir");
    }

    @Test
    void fileInsteadOfDirectoryIsRejected(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("migrations"), "");

        var e = usageError(() -> MigrationSources.read(file, MigrationFormat.BULWARK));

        assertThat(e.getMessage()).contains("not a migration directory");
    }

    @Test
    void aNamedLayoutThatFindsNothingIsRefusedNamingWhatTheFolderHolds() {
        MigrationSet set = MigrationSources.readLenient(dir("golang-migrate/no-such-files"), MigrationFormat.GOLANG_MIGRATE);
        assertThat(set.migrations()).isEmpty();

        var e = usageError(() -> MigrationSources.requireSome(set));

        assertThat(e.getMessage())
                .contains("no golang-migrate migrations in")
                .contains("<version>_<name>.up.sql")
                .contains("2 .go files (00001_init.go, 00002_users.go)")
                .contains("1 .md file (README.md)");
        assertThat(e.fix()).contains("--migration-format");
    }

    @Test
    void aSetWithMigrationsPassesRequireSome() {
        MigrationSet set = MigrationSources.read(dir("golang-migrate/ok"), MigrationFormat.GOLANG_MIGRATE);

        assertThat(MigrationSources.requireSome(set)).isSameAs(set);
    }
}
