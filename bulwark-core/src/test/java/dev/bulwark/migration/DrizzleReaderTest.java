package dev.bulwark.migration;

import org.junit.jupiter.api.Test;

import static dev.bulwark.migration.Fixtures.byId;
import static dev.bulwark.migration.Fixtures.dir;
import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class DrizzleReaderTest {
    private final DrizzleReader reader = new DrizzleReader();

    private MigrationSet read(String fixture) {
        return new MigrationSet(dir(fixture), MigrationFormat.DRIZZLE, reader.read(dir(fixture)));
    }

    @Test
    void journalEntriesAreTheMigrationsVersionedByIdxAsTheFileNamePadsIt() {
        MigrationSet set = read("drizzle/ok");

        assertThat(set.migrations()).extracting(Migration::id).containsExactly("0000", "0001");
        assertThat(set.migrations()).extracting(Migration::description).containsExactly("fluffy hulk", "add email");
    }

    @Test
    void toolNameIsTheJournalTag() {
        assertThat(byId(read("drizzle/ok"), "0001").toolName()).isEqualTo("0001_add_email");
    }

    @Test
    void journalWhenAndBreakpointsAreKeptAsToolData() {
        Migration m = byId(read("drizzle/ok"), "0001");

        assertThat(m.toolData())
                .containsEntry(DrizzleReader.WHEN, "1714100000000")
                .containsEntry(DrizzleReader.BREAKPOINTS, "true");
    }

    @Test
    void statementBreakpointsStayInTheSqlAsComments() {
        Migration m = byId(read("drizzle/ok"), "0001");

        assertThat(m.up().sql()).contains("--> statement-breakpoint").isEqualTo(m.rawFile());
        assertThat(m.hasDown()).isFalse();
    }

    @Test
    void drizzleFileMissingFromDiskIsRejectedNamingJournalAndFile() {
        var e = usageError(() -> read("drizzle/missing-file"));

        assertThat(e.getMessage()).contains("_journal.json").contains("0001_add_email.sql");
    }

    @Test
    void drizzleFileMissingFromJournalIsRejectedNamingBoth() {
        var e = usageError(() -> read("drizzle/not-in-journal"));

        assertThat(e.getMessage()).contains("0001_hand_written.sql").contains("_journal.json");
    }

    @Test
    void malformedJournalIsRejectedWithItsPosition() {
        var e = usageError(() -> read("drizzle/bad-json"));

        assertThat(e.getMessage()).contains("_journal.json:4:").contains("not valid JSON");
    }

    @Test
    void journalOfAnotherDialectIsRejected() {
        var e = usageError(() -> read("drizzle/sqlite"));

        assertThat(e.getMessage()).contains("_journal.json").contains("sqlite");
    }

    @Test
    void directoryWithoutJournalIsRejectedSayingWhereDrizzleKeepsIt() {
        var e = usageError(() -> read("flyway/ok"));

        assertThat(e.getMessage()).contains("meta/_journal.json");
    }
}
