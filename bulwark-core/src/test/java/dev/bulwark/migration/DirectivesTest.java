package dev.bulwark.migration;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static dev.bulwark.migration.Fixtures.usageError;
import static org.assertj.core.api.Assertions.assertThat;

class DirectivesTest {
    private static final Path FILE = Path.of("migrations", "0001_x.sql");

    private static MigrationOptions options(String text, MigrationFormat format) {
        SourceFile file = SourceFile.of(FILE, text);
        return Directives.options(file, 1, file.lineCount() + 1, MigrationOptions.DEFAULT, format);
    }

    @Test
    void everyOptionDirectiveSetsItsOption() {
        MigrationOptions o = options("""
                -- bulwark:no-transaction
                -- bulwark:lock-timeout 5s
                -- bulwark:statement-timeout 10min
                CREATE INDEX CONCURRENTLY i ON t (c);
                """, MigrationFormat.FLYWAY);

        assertThat(o).isEqualTo(new MigrationOptions(false, Duration.ofSeconds(5), Duration.ofMinutes(10)));
    }

    @Test
    void phaseDirectiveMarksExpandOrContract() {
        assertThat(options("-- bulwark:phase expand\nSELECT 1;\n", MigrationFormat.BULWARK).phase())
                .isEqualTo(MigrationOptions.Phase.EXPAND);
        MigrationOptions contract = options("-- bulwark:phase contract\nSELECT 1;\n", MigrationFormat.GOLANG_MIGRATE);
        assertThat(contract.phase()).isEqualTo(MigrationOptions.Phase.CONTRACT);
        assertThat(contract.contract()).isTrue();
        assertThat(options("SELECT 1;\n", MigrationFormat.FLYWAY).phase()).isNull();
    }

    @Test
    void phaseOtherThanExpandOrContractIsRejected() {
        var e = usageError(() -> options("-- bulwark:phase migrate\n", MigrationFormat.FLYWAY));
        assertThat(e.getMessage()).contains(FILE + ":1").contains("expand or contract").contains("'migrate'");
        var twice = usageError(() -> options("-- bulwark:phase expand\n-- bulwark:phase contract\n", MigrationFormat.FLYWAY));
        assertThat(twice.getMessage()).contains("repeats the one on line 1");
    }

    @Test
    void backfillDirectiveIsAcceptedAboveAStatementAndTakesNoValue() {
        assertThat(options("-- bulwark:backfill\nUPDATE t SET a = b WHERE a IS NULL;\n", MigrationFormat.FLYWAY))
                .isEqualTo(MigrationOptions.DEFAULT);
        var e = usageError(() -> options("-- bulwark:backfill fast\nUPDATE t SET a = b;\n", MigrationFormat.FLYWAY));
        assertThat(e.getMessage()).contains(FILE + ":1").contains("'fast'");
    }

    @Test
    void directivesMayBeIndentedAndSpacedLikeAnyComment() {
        assertThat(options("   --bulwark:no-transaction   \n", MigrationFormat.DBMATE).transactional()).isFalse();
    }

    @Test
    void commentMentioningBulwarkMidLineIsNoDirective() {
        assertThat(options("-- see -- bulwark:no-transaction in the docs\nSELECT 1; -- bulwark:nonsense\n",
                MigrationFormat.FLYWAY)).isEqualTo(MigrationOptions.DEFAULT);
    }

    @Test
    void drizzleBreakpointIsNoDirective() {
        assertThat(options("SELECT 1;--> statement-breakpoint\nSELECT 2;\n", MigrationFormat.DRIZZLE))
                .isEqualTo(MigrationOptions.DEFAULT);
    }

    @Test
    void unknownDirectiveIsRejectedNamingFileAndLine() {
        var e = usageError(() -> options("SELECT 1;\n-- bulwark:lock_timeout 5s\n", MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains(FILE + ":2").contains("lock_timeout");
    }

    @Test
    void noTransactionWithAValueIsRejected() {
        var e = usageError(() -> options("-- bulwark:no-transaction please\n", MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains(FILE + ":1").contains("please");
    }

    @Test
    void timeoutWithoutValueIsRejected() {
        var e = usageError(() -> options("-- bulwark:statement-timeout\n", MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains(FILE + ":1").contains("found nothing");
    }

    @Test
    void timeoutOutOfPostgresRangeIsAUsageErrorNotAServerError() {
        var e = usageError(() -> options("-- bulwark:lock-timeout 25d\n", MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains(FILE + ":1").contains("25d").contains("out of PostgreSQL's range");
        assertThat(e.fix()).contains("2147483647ms");
    }

    @Test
    void repeatedOptionIsRejectedNamingBothLines() {
        var e = usageError(() -> options("-- bulwark:lock-timeout 5s\nSELECT 1;\n-- bulwark:lock-timeout 9s\n",
                MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains(FILE + ":3").contains("line 1");
    }

    @Test
    void ignoreIsReadTolerantlyWithItsRealLine() {
        Script script = new Script("""
                SELECT 1;
                -- bulwark:ignore ban-drop-column the column was never read
                -- bulwark:ignore
                """, FILE, 7);

        assertThat(Directives.ignores(script)).containsExactly(
                new Directives.Ignore("ban-drop-column", "the column was never read", FILE, 8),
                new Directives.Ignore("", "", FILE, 9));
    }

    @Test
    void ignoreDoesNotChangeOptionsAndIsNeverAnError() {
        assertThat(options("-- bulwark:ignore\n-- bulwark:ignore x\n", MigrationFormat.FLYWAY))
                .isEqualTo(MigrationOptions.DEFAULT);
    }

    @Test
    void sectionMarkersAreAcceptedInBulwarkFilesOnly() {
        assertThat(options("-- bulwark:up\nSELECT 1;\n", MigrationFormat.BULWARK)).isEqualTo(MigrationOptions.DEFAULT);

        var e = usageError(() -> options("-- bulwark:up\nSELECT 1;\n", MigrationFormat.GOLANG_MIGRATE));
        assertThat(e.getMessage()).contains(FILE + ":1").contains("golang-migrate");
    }

    @Test
    void downScriptMayCarryIgnoresButNoOptions() {
        SourceFile ok = SourceFile.of(FILE, "-- bulwark:ignore ban-drop-table restoring the old shape\nDROP TABLE t;\n");
        Directives.checkDown(ok, 1, 3, MigrationFormat.FLYWAY);

        SourceFile bad = SourceFile.of(FILE, "DROP INDEX CONCURRENTLY i;\n-- bulwark:no-transaction\n");
        var e = usageError(() -> Directives.checkDown(bad, 1, 3, MigrationFormat.FLYWAY));
        assertThat(e.getMessage()).contains(FILE + ":2").contains("down script");
    }

    @Test
    void expectChangeNamesATableAndIsReadWithItsLine() {
        Script script = new Script("-- bulwark:expect-change Public.\"Order Items\"\nDELETE FROM x;\n-- bulwark:expect-change users\n",
                FILE, 4);
        assertThat(Directives.expectedChanges(script)).containsExactly(
                new Directives.ExpectChange("public", "Order Items", FILE, 4),
                new Directives.ExpectChange(null, "users", FILE, 6));
        assertThat(options("-- bulwark:expect-change a\n-- bulwark:expect-change b\n", MigrationFormat.FLYWAY))
                .isEqualTo(MigrationOptions.DEFAULT);
    }

    @Test
    void expectChangeWithoutATableNameIsRejected() {
        var e = usageError(() -> options("SELECT 1;\n-- bulwark:expect-change orders and users\n", MigrationFormat.FLYWAY));

        assertThat(e.getMessage()).contains(FILE + ":2").contains("'orders and users'");
        assertThat(usageError(() -> options("-- bulwark:expect-change\n", MigrationFormat.FLYWAY)).getMessage())
                .contains("found nothing");
    }
}
