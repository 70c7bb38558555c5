package dev.bulwark.lint;

import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Lint on diesel, goose and Liquibase folders: their transaction settings, and their layout findings where they are. */
class DieselGooseLintTest {
    @TempDir
    Path project;

    private LintResult lint(Path migrations, MigrationFormat format) {
        return Linter.standard(LintFixtures.options(project)).lint(MigrationSources.readLenient(migrations, format), project);
    }

    private static Path fixture(String name) {
        try {
            return Path.of(DieselGooseLintTest.class.getResource("/migrations/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Finding> of(LintResult r, String rule) {
        return r.findings().stream().filter(f -> f.ruleId().equals(rule)).toList();
    }

    @Test
    void noTransactionAndRunInTransactionFalseLetAConcurrentIndexBuildPass() {
        assertThat(of(lint(fixture("goose/ok"), MigrationFormat.GOOSE), "concurrently-in-transaction")).isEmpty();
        assertThat(of(lint(fixture("diesel/ok"), MigrationFormat.DIESEL), "concurrently-in-transaction")).isEmpty();
    }

    @Test
    void aConcurrentIndexBuildInATransactionalGooseOrDieselMigrationSaysHowThatToolTurnsItOff() throws IOException {
        Path goose = Files.createDirectories(project.resolve("goose"));
        Files.writeString(goose.resolve("1_a.sql"), "-- +goose Up\nCREATE INDEX CONCURRENTLY a_i ON a (i);\n");
        Path diesel = Files.createDirectories(project.resolve("diesel").resolve("2023-01-01-000000_a"));
        Files.writeString(diesel.resolve("up.sql"), "CREATE INDEX CONCURRENTLY a_i ON a (i);\n");

        assertThat(of(lint(goose, MigrationFormat.GOOSE), "concurrently-in-transaction")).singleElement()
                .satisfies(f -> assertThat(f.help()).contains("-- +goose NO TRANSACTION"));
        assertThat(of(lint(diesel.getParent(), MigrationFormat.DIESEL), "concurrently-in-transaction")).singleElement()
                .satisfies(f -> assertThat(f.help()).contains("run_in_transaction = false"));
    }

    @Test
    void aGooseLayoutProblemOnALinePointsAtThatLine() {
        LintResult r = lint(fixture("goose/bad-annotations"), MigrationFormat.GOOSE);

        assertThat(of(r, "duplicate-version")).filteredOn(f -> f.file().getFileName().toString().startsWith("00002"))
                .singleElement().satisfies(f -> {
                    assertThat(f.line()).isEqualTo(4);
                    assertThat(f.message()).contains("goose ends a statement");
                });
        assertThat(of(r, "duplicate-version")).filteredOn(f -> f.file().getFileName().toString().startsWith("00001"))
                .singleElement().satisfies(f -> assertThat(f.line()).isEqualTo(1));
    }

    @Test
    void aLiquibaseChangesetRunsInATransactionUnlessRunInTransactionIsFalse() throws IOException {
        Path dir = Files.createDirectories(project.resolve("liquibase"));
        Files.writeString(dir.resolve("changelog.sql"), """
                --liquibase formatted sql

                --changeset alice:1
                BEGIN;
                UPDATE a SET i = 1;
                COMMIT;

                --changeset alice:2
                CREATE INDEX CONCURRENTLY a_i ON a (i);

                --changeset alice:3 runInTransaction:false
                CREATE INDEX CONCURRENTLY a_j ON a (j);
                """);
        LintResult r = lint(dir, MigrationFormat.LIQUIBASE);

        // Liquibase wraps changesets 1 and 2 in its transaction: a COMMIT ends it part way, CONCURRENTLY fails
        assertThat(of(r, "transaction-control")).isNotEmpty().allSatisfy(f -> assertThat(f.line()).isBetween(4, 6));
        assertThat(of(r, "concurrently-in-transaction")).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(9);
            assertThat(f.help()).contains("runInTransaction:false");
        });
    }
}
