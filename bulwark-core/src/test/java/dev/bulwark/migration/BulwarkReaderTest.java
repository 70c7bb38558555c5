package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class BulwarkReaderTest {
    private final BulwarkReader reader = new BulwarkReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.BULWARK, reader.read(dir(fixture)));
    }

    @Test
    void readsEveryMigrationInVersionOrderAndSkipsOtherFiles() {
        MigrationSet set = read("bulwark/ok");

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("0001", "0002", "0003", "0004");
        assertThat(set.migrations()).extracting(Migration::description)
                .containsExactly("create users", "index users email", "lowercase emails", "comment users");
        assertThat(set.migrations()).allSatisfy(m -> {
            assertThat(m.format()).isEqualTo(MigrationFormat.BULWARK);
            assertThat(m.kind()).isEqualTo(MigrationKind.VERSIONED);
            assertThat(m.toolName()).isEqualTo(m.version().toString());
        });
    }

    @Test
    void upAndDownSectionsHoldOnlyTheirSqlAndStartOnTheirRealLine() throws Exception {
        Migration m = byId(read("bulwark/ok"), "0001");

        assertThat(m.up().sql()).startsWith("CREATE TABLE users (").contains("email text NOT NULL")
                .doesNotContain("bulwark:").doesNotContain("DROP TABLE");
        assertThat(m.up().firstLine()).isEqualTo(3);
        assertThat(m.down().sql()).isEqualTo("DROP TABLE users;\n");
        assertThat(m.down().firstLine()).isEqualTo(9);
        assertThat(m.up().file()).isEqualTo(m.location());
        assertThat(m.rawFile()).isEqualTo(Files.readString(m.location()));
        // the line the script says it starts on is really where its text is in the file
        assertThat(Files.readAllLines(m.location()).get(m.down().firstLine() - 1)).isEqualTo("DROP TABLE users;");
    }

    @Test
    void directivesAboveAndInTheUpSectionSetTheOptions() {
        Migration m = byId(read("bulwark/ok"), "0002");

        assertThat(m.options().transactional()).isFalse();
        assertThat(m.options().lockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(m.options().statementTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(Directives.ignores(m.up())).singleElement().satisfies(i -> {
            assertThat(i.ruleId()).isEqualTo("require-concurrent-index");
            assertThat(i.reason()).isEqualTo("users is empty in every environment");
            assertThat(i.line()).isEqualTo(5);
        });
    }

    @Test
    void migrationWithoutDirectivesUsesTheDefaults() {
        assertThat(byId(read("bulwark/ok"), "0001").options()).isEqualTo(MigrationOptions.DEFAULT);
    }

    @Test
    void fileWithoutDownSectionHasNoDown() {
        Migration m = byId(read("bulwark/ok"), "0003");

        assertThat(m.hasDown()).isFalse();
        assertThat(m.down()).isNull();
    }

    @Test
    void emptyDownSectionIsPresentButBlank() {
        Migration m = byId(read("bulwark/ok"), "0004");

        assertThat(m.hasDown()).isTrue();
        assertThat(m.down().sql()).isBlank();
    }

    @Test
    void unknownDirectiveIsRejectedNamingFileAndLine() {
        var e = usageError(() -> read("bulwark/unknown-directive"));

        assertThat(e.getMessage()).contains("0001_index.sql:2").contains("no-transacton");
        assertThat(e.fix()).contains("-- bulwark:no-transaction");
    }

    @Test
    void fileWithoutUpSectionIsRejected() {
        var e = usageError(() -> read("bulwark/missing-up"));

        assertThat(e.getMessage()).contains("0001_no_sections.sql has no -- bulwark:up line");
    }

    @Test
    void sqlAboveTheUpSectionIsRejectedBecauseItWouldNeverRun() {
        var e = usageError(() -> read("bulwark/sql-before-up"));

        assertThat(e.getMessage()).contains("0001_stray.sql:2");
    }

    @Test
    void downSectionBeforeUpSectionIsRejected() {
        var e = usageError(() -> read("bulwark/down-before-up"));

        assertThat(e.getMessage()).contains("0001_reversed.sql:1");
    }

    @Test
    void twoFilesWithOneVersionAreRejectedNamingBoth() {
        var e = usageError(() -> read("bulwark/duplicate-version"));

        assertThat(e.getMessage()).contains("0001_first.sql").contains("1_second.sql");
    }

    @Test
    void sqlFileNotNamedLikeAMigrationIsRejectedWithThePattern() {
        var e = usageError(() -> read("bulwark/misnamed"));

        assertThat(e.getMessage()).contains("create_users.sql").contains("<version>_<name>.sql");
    }

    @Test
    void durationThatPostgresWouldRejectIsRejectedNamingFileAndLine() {
        var e = usageError(() -> read("bulwark/bad-duration"));

        assertThat(e.getMessage()).contains("0001_slow.sql:1").contains("5 seconds");
        assertThat(e.fix()).contains("ms").contains("min");
    }

    @Test
    void optionDirectiveInTheDownSectionIsRejected() {
        var e = usageError(() -> read("bulwark/option-in-down"));

        assertThat(e.getMessage()).contains("0001_index.sql:5").contains("lock-timeout");
    }

    @Test
    void crlfLineEndingsAreReadLikeLf(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0001_t.sql"), "-- bulwark:up\r\nCREATE TABLE t (id int);\r\n-- bulwark:down\r\nDROP TABLE t;\r\n");

        Migration m = reader.read(dir).get(0);

        assertThat(m.up().sql()).isEqualTo("CREATE TABLE t (id int);\r\n");
        assertThat(m.down().sql()).isEqualTo("DROP TABLE t;\r\n");
        assertThat(m.down().firstLine()).isEqualTo(4);
    }

    @Test
    void byteOrderMarkIsKeptInTheRawFileButNotInTheSql(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("0001_t.sql"), "\uFEFF-- bulwark:up\nSELECT 1;\n");

        Migration m = reader.read(dir).get(0);

        assertThat(m.rawFile()).startsWith("\uFEFF");
        assertThat(m.up().sql()).isEqualTo("SELECT 1;\n");
    }

    @Test
    void fileThatIsNotUtf8IsRejectedNamingIt(@TempDir Path dir) throws Exception {
        byte[] latin1 = "-- bulwark:up\nINSERT INTO t VALUES ('café');\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("0001_t.sql"), latin1);

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("0001_t.sql:2").contains("UTF-8");
    }

    @Test
    void emptyDirectoryHasNoMigrations(@TempDir Path dir) {
        assertThat(reader.read(dir)).isEmpty();
    }
}
