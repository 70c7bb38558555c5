package dev.bulwark.lint;

import dev.bulwark.BulwarkException;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lint reads a folder leniently: a layout problem is a finding, and every readable migration is still linted. */
class LayoutProblemsLintTest {
    @TempDir
    Path project;

    private LintResult lint(Path migrations, MigrationFormat format) {
        return Linter.standard(LintFixtures.options(project)).lint(MigrationSources.readLenient(migrations, format), project);
    }

    private static List<Finding> of(LintResult r, String rule) {
        return r.findings().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    @Test
    void goMigrationsDuplicatesAndStrayFilesAreFindingsAndTheSqlIsStillLinted() throws IOException {
        Path dir = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(dir.resolve("000001_create_users.up.sql"), "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
        Files.writeString(dir.resolve("000002_backfill.go"), "package migrations\n");
        Files.writeString(dir.resolve("000003_drop_email.up.sql"), "ALTER TABLE users DROP COLUMN email;\n");
        Files.writeString(dir.resolve("3_other.up.sql"), "CREATE TABLE other (id bigint PRIMARY KEY);\n");

        LintResult result = lint(dir, MigrationFormat.GOLANG_MIGRATE);

        assertThat(of(result, "duplicate-version")).extracting(f -> f.file().getFileName().toString(), Finding::message)
                .anySatisfy(t -> assertThat(t.toList()).containsExactly("000002_backfill.go",
                        "000002_backfill.go is a golang-migrate migration written in Go: Bulwark cannot read its statements,"
                                + " so they are not linted, rehearsed or audited"))
                .anySatisfy(t -> assertThat(t.toList().get(0)).isEqualTo("3_other.up.sql"))
                .hasSize(2);
        assertThat(of(result, "drop-column")).as("the migration after the problems is still linted")
                .extracting(f -> f.file().getFileName().toString()).containsExactly("000003_drop_email.up.sql");
    }

    @Test
    void aPrismaLockForSqliteIsADialectMismatchForLintWhileMigrateRefuses() throws IOException {
        Path prisma = Files.createDirectories(project.resolve("prisma"));
        Files.writeString(prisma.resolve("schema.prisma"),
                "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n");
        Path dir = Files.createDirectories(prisma.resolve("migrations"));
        Files.writeString(dir.resolve("migration_lock.toml"), "provider = \"sqlite\"\n");
        Files.createDirectories(dir.resolve("20240101120000_init"));
        Files.writeString(dir.resolve("20240101120000_init").resolve("migration.sql"),
                "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);\n");

        LintResult result = lint(dir, null);

        assertThat(of(result, "dialect-mismatch")).extracting(f -> f.file().getFileName().toString())
                .contains("migration_lock.toml", "schema.prisma", "migration.sql");
        assertThatThrownBy(() -> MigrationSources.read(dir, null)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("provider = \"sqlite\"").hasMessageContaining("PostgreSQL only");
    }
}
