package dev.bulwark.migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class PrismaReaderTest {
    private final PrismaReader reader = new PrismaReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.PRISMA, reader.read(dir(fixture)));
    }

    @Test
    void eachFolderIsAMigrationVersionedByItsTimestamp() {
        MigrationSet set = read("prisma/ok");
        Migration m = byId(set, "20240101120000");

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("20240101120000", "20240102120000");
        assertThat(m.description()).isEqualTo("init");
        assertThat(m.location()).isEqualTo(dir("prisma/ok").resolve("20240101120000_init"));
        assertThat(m.up().file().getFileName()).hasToString("migration.sql");
        assertThat(m.up().sql()).startsWith("-- CreateTable\nCREATE TABLE \"User\"");
        assertThat(m.rawFile()).isEqualTo(m.up().sql());
    }

    @Test
    void toolNameIsTheFolderNameThatPrismaRecords() {
        assertThat(byId(read("prisma/ok"), "20240102120000").toolName()).isEqualTo("20240102120000_add_email");
    }

    @Test
    void migrationWithoutDownSqlHasNoDown() {
        assertThat(byId(read("prisma/ok"), "20240101120000").hasDown()).isFalse();
    }

    @Test
    void downSqlBesideTheMigrationBecomesItsDown() {
        Migration m = byId(read("prisma/ok"), "20240102120000");

        assertThat(m.down().sql()).isEqualTo("ALTER TABLE \"User\" DROP COLUMN \"email\";\n");
        assertThat(m.down().file().getFileName()).hasToString("down.sql");
    }

    @Test
    void providerOfTheLockFileIsRecorded() {
        assertThat(byId(read("prisma/ok"), "20240101120000").toolData())
                .containsEntry(PrismaReader.PROVIDER, "postgresql");
    }

    @Test
    void lockFileForAnotherDatabaseIsRejectedNamingIt() {
        var e = usageError(() -> read("prisma/mysql"));

        assertThat(e.getMessage()).contains("migration_lock.toml").contains("mysql");
    }

    @Test
    void migrationFolderWithoutMigrationSqlIsRejectedNamingIt() {
        var e = usageError(() -> read("prisma/missing-migration-sql"));

        assertThat(e.getMessage()).contains("20240102120000_add_email").contains("migration.sql");
    }

    @Test
    void migrationFolderNotNamedByTimestampIsRejectedWithThePattern() {
        var e = usageError(() -> read("prisma/misnamed-folder"));

        assertThat(e.getMessage()).contains("init").contains("<timestamp>_<name>/migration.sql");
    }

    @Test
    void sqlFileBesideTheFoldersIsRejected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("seed.sql"), "INSERT INTO t VALUES (1);\n");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("seed.sql");
    }

    @Test
    void otherSqlFileInAMigrationFolderIsRejected(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("20240101120000_init"));
        Files.writeString(folder.resolve("migration.sql"), "CREATE TABLE t (id int);\n");
        Files.writeString(folder.resolve("seed.sql"), "INSERT INTO t VALUES (1);\n");

        var e = usageError(() -> reader.read(dir));

        assertThat(e.getMessage()).contains("seed.sql");
    }

    @Test
    void twoFoldersSharingATimestampAreBothReadInFolderNameOrder() {
        MigrationSet set = read("prisma/shared-timestamp");

        assertThat(set.migrations()).extracting(Migration::toolName).containsExactly(
                "20240101120000_add_orders", "20240101120000_add_users", "20240102120000_index");
        assertThat(set.migrations()).extracting(Migration::id).containsExactly(
                "20240101120000_add_orders", "20240101120000_add_users", "20240102120000");
    }

    @Test
    void aProviderThatIsNotPostgresIsADialectProblemWhenReadingLeniently() {
        MigrationSet set = MigrationSources.readLenient(dir("prisma/mysql"), MigrationFormat.PRISMA);

        assertThat(set.migrations()).hasSize(1);
        assertThat(set.problems()).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo("dialect-mismatch");
            assertThat(p.file().getFileName()).hasToString("migration_lock.toml");
        });
    }
}
