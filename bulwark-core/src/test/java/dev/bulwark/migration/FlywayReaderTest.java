package dev.bulwark.migration;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class FlywayReaderTest {
    private final FlywayReader reader = new FlywayReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.FLYWAY, reader.read(dir(fixture)));
    }

    @Test
    void versionedMigrationsComeInVersionOrderThenRepeatables() {
        MigrationSet set = read("flyway/ok");

        assertThat(set.migrations()).extracting(Migration::id)
                .containsExactly("1", "1.1", "2", "3", "users view");
        assertThat(set.versioned()).hasSize(4);
    }

    @Test
    void underscoreInTheVersionMeansADot() {
        Migration m = byId(read("flyway/ok"), "1.1");

        assertThat(m.version()).isEqualTo(MigrationVersion.of("1.1"));
        assertThat(m.version().toString()).isEqualTo("1.1");
        assertThat(m.description()).isEqualTo("add email");
    }

    @Test
    void flywayUndoFileBecomesTheDownOfItsVersion() {
        MigrationSet set = read("flyway/ok");
        Migration m = byId(set, "1.1");

        assertThat(m.down().sql()).isEqualTo("ALTER TABLE users DROP COLUMN email;\n");
        assertThat(m.down().file().getFileName()).hasToString("U1_1__add_email.sql");
        assertThat(m.down().firstLine()).isEqualTo(1);
        assertThat(byId(set, "1").hasDown()).isFalse();
    }

    @Test
    void toolNameIsTheScriptPathFlywayRecords() {
        MigrationSet set = read("flyway/ok");

        assertThat(byId(set, "1").toolName()).isEqualTo("V1__create_users.sql");
        assertThat(byId(set, "3").toolName()).isEqualTo("2024/V3__nested_change.sql");
    }

    @Test
    void repeatableMigrationHasNoVersion() {
        Migration m = byId(read("flyway/ok"), "users view");

        assertThat(m.kind()).isEqualTo(MigrationKind.REPEATABLE);
        assertThat(m.version()).isNull();
        assertThat(m.toolName()).isEqualTo("R__users_view.sql");
    }

    @Test
    void migrationsInSubfoldersAreFoundAsFlywayDoes() {
        Migration m = byId(read("flyway/ok"), "3");

        assertThat(m.location()).isEqualTo(dir("flyway/ok").resolve(Path.of("2024", "V3__nested_change.sql")));
    }

    @Test
    void sqlCallbacksAreLayoutProblemsNamingTheEventAndTheRestIsStillRead() {
        java.util.List<LayoutProblem> problems = new java.util.ArrayList<>();
        java.util.List<Migration> ms = reader.read(dir("flyway/callbacks"), problems::add);

        assertThat(ms).extracting(Migration::id).containsExactly("1");
        assertThat(problems).extracting(p -> p.file().getFileName().toString())
                .containsExactlyInAnyOrder("afterMigrate.sql", "beforeEachMigrate__timeouts.sql");
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.reason()).contains("Flyway callback").contains("Bulwark does not run");
            assertThat(p.fix()).contains("versioned migration");
        });
        assertThat(problems).anySatisfy(p -> assertThat(p.reason()).contains("(beforeEachMigrate)"));
    }

    @Test
    void migrateRefusesAFolderWithCallbacksNamingEachOne() {
        var e = usageError(() -> MigrationSources.read(dir("flyway/callbacks"), MigrationFormat.FLYWAY));
        assertThat(e.getMessage()).contains("2 problems").contains("afterMigrate.sql").contains("beforeEachMigrate__timeouts.sql");
    }

    @Test
    void bulwarkDirectivesInAFlywayFileSetTheOptions() {
        assertThat(byId(read("flyway/ok"), "2").options().transactional()).isFalse();
    }

    @Test
    void wholeFileIsTheUpScriptAndTheRawFile() {
        Migration m = byId(read("flyway/ok"), "1");

        assertThat(m.up().sql()).isEqualTo(m.rawFile()).startsWith("CREATE TABLE users (");
        assertThat(m.up().firstLine()).isEqualTo(1);
    }

    @Test
    void undoFileWithoutItsVersionedMigrationIsRejected() {
        var e = usageError(() -> read("flyway/orphan-undo"));

        assertThat(e.getMessage()).contains("U2__add_email.sql").contains("V2__");
    }

    @Test
    void versionsEqualAsFlywayComparesThemAreDuplicatesNamingBoth() {
        var e = usageError(() -> read("flyway/duplicate-version"));

        assertThat(e.getMessage()).contains("V1__first.sql").contains("V1.0__second.sql");
    }

    @Test
    void twoRepeatablesWithOneDescriptionAreRejectedNamingBoth() {
        var e = usageError(() -> read("flyway/duplicate-repeatable"));

        assertThat(e.getMessage()).contains("R__views.sql").contains("reporting");
    }

    @Test
    void sqlFileWithASingleUnderscoreSeparatorIsRejectedWithThePattern() {
        var e = usageError(() -> read("flyway/misnamed"));

        assertThat(e.getMessage()).contains("V2_add_email.sql").contains("V<version>__<description>.sql");
    }

    @Test
    void bulwarkSectionMarkerInAFlywayFileIsRejectedSoTheDownNeverRunsAsUp() {
        var e = usageError(() -> read("flyway/bulwark-sections"));

        assertThat(e.getMessage()).contains("V1__create_t.sql:2").contains("flyway");
    }

    @Test
    void twentyDigitVersionsAreComparedAsNumbersWithoutOverflow() {
        MigrationSet set = read("flyway/twenty-digit");

        assertThat(set.migrations()).extracting(Migration::id)
                .containsExactly("9", "20240101120000000001", "20240101120000000002");
    }

    @Test
    void aJavaMigrationIsALayoutProblemAndTheSqlOnesAreStillRead() {
        MigrationSet set = MigrationSources.readLenient(dir("flyway/java-migration"), MigrationFormat.FLYWAY);

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("1", "3");
        assertThat(set.problems()).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString("V2__Backfill.java");
            assertThat(p.reason()).contains("flyway migration written in Java");
            assertThat(p.rule()).isEqualTo(LayoutProblem.LAYOUT);
        });
        var e = usageError(() -> MigrationSources.read(dir("flyway/java-migration"), MigrationFormat.FLYWAY));
        assertThat(e.getMessage()).contains("V2__Backfill.java is a flyway migration written in Java");
    }
}
