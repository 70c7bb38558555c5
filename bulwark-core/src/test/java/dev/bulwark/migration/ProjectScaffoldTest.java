package dev.bulwark.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class ProjectScaffoldTest {
    /** 12:00 UTC, read on a clock in another zone: file names must still say 12:00. */
    private static final Clock NOON_UTC = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneId.of("Europe/Berlin"));

    @TempDir
    Path tmp;

    private static Path copy(String fixture, Path target) {
        Path source = dir(fixture);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static List<String> names(List<Path> paths, Path base) {
        return paths.stream().map(p -> base.relativize(p).toString().replace('\\', '/')).toList();
    }

    @Test
    void initWritesConfigWithCommentedDefaultsAndMigrationsFolder() throws Exception {
        List<Path> created = ProjectScaffold.init(tmp);

        assertThat(created).containsExactly(tmp.resolve("bulwark.toml"), tmp.resolve("migrations"));
        assertThat(tmp.resolve("migrations")).isEmptyDirectory();
        JsonNode toml = new TomlMapper().readTree(tmp.resolve("bulwark.toml").toFile());
        assertThat(toml.at("/migrations/dir").asText()).isEqualTo("migrations");
        assertThat(toml.at("/execution/lock_timeout").asText()).isEqualTo("2s");
        assertThat(toml.at("/execution/statement_timeout").asText()).isEqualTo("0");
        assertThat(toml.at("/execution/lock_retry_budget").asText()).isEqualTo("5min");
        assertThat(toml.at("/execution/lock_wait").asText()).isEqualTo("60s");
        // format and url are there to read, but commented out: auto-detection and no credentials
        assertThat(toml.at("/migrations").has("format")).isFalse();
        assertThat(toml.at("/database").has("url")).isFalse();
        String text = Files.readString(tmp.resolve("bulwark.toml"));
        assertThat(text).contains("# format = ").contains("# url = ").contains("environment");
    }

    @Test
    void initDurationsAreValidPostgresDurations() throws Exception {
        ProjectScaffold.init(tmp);
        JsonNode execution = new TomlMapper().readTree(tmp.resolve("bulwark.toml").toFile()).get("execution");

        execution.fields().forEachRemaining(f -> PgDurations.parse(f.getValue().asText()));
    }

    @Test
    void initNeverOverwritesAnExistingConfig() throws Exception {
        Files.writeString(tmp.resolve("bulwark.toml"), "[migrations]\ndir = \"db\"\n");

        var e = usageError(() -> ProjectScaffold.init(tmp));

        assertThat(e.getMessage()).contains("bulwark.toml").contains("already exists");
        assertThat(Files.readString(tmp.resolve("bulwark.toml"))).isEqualTo("[migrations]\ndir = \"db\"\n");
    }

    @Test
    void initKeepsAnExistingMigrationsFolderAsItIs() throws Exception {
        Files.createDirectories(tmp.resolve("migrations"));
        Files.writeString(tmp.resolve("migrations/V1__init.sql"), "SELECT 1;\n");

        assertThat(ProjectScaffold.init(tmp)).containsExactly(tmp.resolve("bulwark.toml"));
        assertThat(tmp.resolve("migrations/V1__init.sql")).hasContent("SELECT 1;");
    }

    @Test
    void newBulwarkMigrationIsNamedByUtcTimestampAndReadsBackWithUpAndDown() {
        List<Path> written = ProjectScaffold.newMigration(tmp, "Add user-email", MigrationFormat.BULWARK, NOON_UTC);

        assertThat(names(written, tmp)).containsExactly("20261121120000_add_user_email.sql");
        Migration m = MigrationSources.read(tmp, null).migrations().get(0);
        assertThat(m.format()).isEqualTo(MigrationFormat.BULWARK);
        assertThat(m.description()).isEqualTo("add user email");
        assertThat(m.hasDown()).isTrue();
        assertThat(m.options()).isEqualTo(MigrationOptions.DEFAULT);
    }

    @Test
    void emptyDirectoryWithoutFormatGetsABulwarkMigration() {
        List<Path> written = ProjectScaffold.newMigration(tmp, "init", null, NOON_UTC);

        assertThat(names(written, tmp)).containsExactly("20261121120000_init.sql");
    }

    @Test
    void sequentialVersionsContinueTheSequence() {
        Path dir = copy("bulwark/ok", tmp);

        List<Path> written = ProjectScaffold.newMigration(dir, "add orders", null, NOON_UTC);

        assertThat(names(written, dir)).containsExactly("0005_add_orders.sql");
        assertThat(MigrationSources.read(dir, null).migrations()).last()
                .satisfies(m -> assertThat(m.id()).isEqualTo("0005"));
    }

    @Test
    void twoMigrationsInOneSecondStillGetDistinctOrderedVersions() {
        ProjectScaffold.newMigration(tmp, "first", MigrationFormat.BULWARK, NOON_UTC);
        ProjectScaffold.newMigration(tmp, "second", MigrationFormat.BULWARK, NOON_UTC);

        assertThat(MigrationSources.read(tmp, null).migrations()).extracting(Migration::description)
                .containsExactly("first", "second");
    }

    @Test
    void clockBehindTheNewestMigrationStillSortsTheNewOneLast() throws Exception {
        Files.writeString(tmp.resolve("20301231235959_future.sql"), "-- bulwark:up\nSELECT 1;\n");

        ProjectScaffold.newMigration(tmp, "now", MigrationFormat.BULWARK, NOON_UTC);

        assertThat(MigrationSources.read(tmp, null).migrations()).extracting(Migration::description)
                .containsExactly("future", "now");
    }

    @Test
    void nameWithOtherCharactersIsRejected() {
        var e = usageError(() -> ProjectScaffold.newMigration(tmp, "drop users; --", MigrationFormat.BULWARK, NOON_UTC));

        assertThat(e.getMessage()).contains("drop users; --");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void nameWithoutLettersOrDigitsIsRejected() {
        usageError(() -> ProjectScaffold.newMigration(tmp, " - _ ", MigrationFormat.BULWARK, NOON_UTC));
    }

    @Test
    void missingDirectoryIsRejectedSuggestingInit() {
        var e = usageError(() -> ProjectScaffold.newMigration(tmp.resolve("nope"), "x", null, NOON_UTC));

        assertThat(e.fix()).contains("bulwark init");
    }

    @Test
    void flywayMigrationIsAVersionedFileAndItsUndo() {
        Path dir = copy("flyway/ok", tmp);

        List<Path> written = ProjectScaffold.newMigration(dir, "add orders", null, NOON_UTC);

        assertThat(names(written, dir)).containsExactly("V4__add_orders.sql", "U4__add_orders.sql");
        assertThat(Fixtures.byId(MigrationSources.read(dir, null), "4").hasDown()).isTrue();
    }

    @Test
    void golangMigrateMigrationIsAnUpAndDownPairContinuingTheSequence() {
        Path dir = copy("golang-migrate/ok", tmp);

        List<Path> written = ProjectScaffold.newMigration(dir, "add orders", null, NOON_UTC);

        assertThat(names(written, dir)).containsExactly("000003_add_orders.up.sql", "000003_add_orders.down.sql");
        assertThat(Fixtures.byId(MigrationSources.read(dir, null), "000003").hasDown()).isTrue();
    }

    @Test
    void dbmateMigrationIsOneFileWithBothSections() {
        Path dir = copy("dbmate/ok", tmp);

        List<Path> written = ProjectScaffold.newMigration(dir, "add orders", null, NOON_UTC);

        assertThat(names(written, dir)).containsExactly("20261121120000_add_orders.sql");
        Migration m = Fixtures.byId(MigrationSources.read(dir, null), "20261121120000");
        assertThat(m.hasDown()).isTrue();
        assertThat(m.options().transactional()).isTrue();
    }

    @Test
    void prismaMigrationIsAFolderWithMigrationAndDownSql() {
        Path dir = copy("prisma/ok", tmp);

        List<Path> written = ProjectScaffold.newMigration(dir, "add orders", null, NOON_UTC);

        assertThat(names(written, dir)).containsExactly(
                "20261121120000_add_orders/migration.sql", "20261121120000_add_orders/down.sql");
        Migration m = Fixtures.byId(MigrationSources.read(dir, null), "20261121120000");
        assertThat(m.toolName()).isEqualTo("20261121120000_add_orders");
        assertThat(m.hasDown()).isTrue();
    }

    @Test
    void drizzleMigrationIsTheNextIdxFileAndAJournalEntry() throws Exception {
        Path dir = copy("drizzle/ok", tmp);

        List<Path> written = ProjectScaffold.newMigration(dir, "add orders", null, NOON_UTC);

        assertThat(names(written, dir)).containsExactly("0002_add_orders.sql", "meta/_journal.json");
        Migration m = Fixtures.byId(MigrationSources.read(dir, null), "0002");
        assertThat(m.toolName()).isEqualTo("0002_add_orders");
        assertThat(m.toolData()).containsEntry(DrizzleReader.WHEN, Long.toString(NOON_UTC.millis()));
        String journal = Files.readString(dir.resolve("meta/_journal.json"));
        assertThat(journal).contains("      \"idx\": 2,\n").doesNotContain(" : ").endsWith("}\n");
        // Drizzle splits on the marker anywhere, comments included
        assertThat(m.up().sql()).doesNotContain("--> statement-breakpoint");
    }

    @Test
    void drizzleWhenStaysAfterTheNewestEntryWhenTheClockIsBehind() {
        Path dir = copy("drizzle/ok", tmp);
        Clock past = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneId.of("UTC"));

        ProjectScaffold.newMigration(dir, "add orders", null, past);

        assertThat(Fixtures.byId(MigrationSources.read(dir, null), "0002").toolData())
                .containsEntry(DrizzleReader.WHEN, "1714100000001");
    }

    @Test
    void drizzleMigrationInAnEmptyDirectoryStartsTheJournal() {
        List<Path> written = ProjectScaffold.newMigration(tmp, "init", MigrationFormat.DRIZZLE, NOON_UTC);

        assertThat(names(written, tmp)).containsExactly("0000_init.sql", "meta/_journal.json");
        MigrationSet set = MigrationSources.read(tmp, null);
        assertThat(set.format()).isEqualTo(MigrationFormat.DRIZZLE);
        assertThat(set.migrations()).extracting(Migration::toolName).containsExactly("0000_init");
    }
}
