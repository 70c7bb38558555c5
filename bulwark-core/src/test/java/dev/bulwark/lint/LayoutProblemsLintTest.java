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

    @Test
    void liquibasePreconditionsAndUnknownChangeTypesAreFindingsAndTheTranslatedChangesAreLinted() throws IOException {
        Path dir = Files.createDirectories(project.resolve("liquibase"));
        Files.writeString(dir.resolve("db.changelog-master.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                    <changeSet id="1" author="alice">
                        <createTable tableName="users">
                            <column name="id" type="bigint"><constraints primaryKey="true"/></column>
                            <column name="email" type="text"/>
                        </createTable>
                    </changeSet>
                    <changeSet id="2" author="alice">
                        <renameTable oldTableName="users" newTableName="people"/>
                    </changeSet>
                    <changeSet id="3" author="alice">
                        <dropColumn tableName="users" columnName="email"/>
                    </changeSet>
                    <include file="more.sql"/>
                </databaseChangeLog>
                """);
        Files.writeString(dir.resolve("more.sql"), """
                --liquibase formatted sql

                --changeset bob:4
                --precondition-sql-check expectedResult:0 SELECT count(*) FROM users
                ALTER TABLE users DROP COLUMN id;
                """);

        LintResult result = lint(dir, null);

        assertThat(of(result, "duplicate-version")).extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("change type renameTable not understood; Bulwark cannot lint it"))
                .anySatisfy(m -> assertThat(m).contains("changeset bob:4").contains("precondition"))
                .hasSize(2);
        assertThat(of(result, "drop-column")).as("the changes Bulwark translates are linted, in the file they come from")
                .extracting(f -> f.file().getFileName().toString())
                .containsExactlyInAnyOrder("db.changelog-master.xml", "more.sql");
        assertThatThrownBy(() -> MigrationSources.read(dir, null)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("2 problems");
    }

    @Test
    void flywayCallbacksAreFindingsAndTheMigrationsAreStillLinted() throws IOException {
        Path dir = Files.createDirectories(project.resolve("flyway"));
        Files.writeString(dir.resolve("V1__drop.sql"), "ALTER TABLE users DROP COLUMN email;\n");
        Files.writeString(dir.resolve("beforeMigrate.sql"), "SET lock_timeout = '2s';\n");
        Files.writeString(dir.resolve("V2__Backfill.java"), "class V2__Backfill {}\n");

        LintResult result = lint(dir, MigrationFormat.FLYWAY);

        assertThat(of(result, "duplicate-version")).extracting(Finding::message)
                .anySatisfy(m -> assertThat(m).contains("beforeMigrate.sql is a Flyway callback (beforeMigrate), which Bulwark does not run"))
                .anySatisfy(m -> assertThat(m).contains("V2__Backfill.java is a flyway migration written in Java"))
                .hasSize(2);
        assertThat(of(result, "drop-column")).extracting(f -> f.file().getFileName().toString()).containsExactly("V1__drop.sql");
    }
}
