package dev.bulwark.plan;

import dev.bulwark.history.HistoryEntry;
import dev.bulwark.history.HistoryEntry.Kind;
import dev.bulwark.history.HistoryEntry.Status;
import dev.bulwark.migration.Migration;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationKind;
import dev.bulwark.migration.MigrationOptions;
import dev.bulwark.migration.MigrationSet;
import dev.bulwark.migration.MigrationVersion;
import dev.bulwark.migration.Script;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcilerTest {
    private static final Path DIR = Path.of("/p/migrations");
    private long ids;

    private static Migration migration(String version, String up) {
        Path f = DIR.resolve(version + "_m.sql");
        return new Migration(MigrationVersion.of(version), "m " + version, MigrationKind.VERSIONED, MigrationFormat.BULWARK, f,
                new Script(up, f, 2), new Script("DROP TABLE t" + version + ";", f, 5), MigrationOptions.DEFAULT, up, version);
    }

    private static Migration repeatable(String name, String up) {
        Path f = DIR.resolve("R__" + name + ".sql");
        return new Migration(null, name, MigrationKind.REPEATABLE, MigrationFormat.FLYWAY, f, new Script(up, f, 1), null,
                MigrationOptions.DEFAULT, up, f.getFileName().toString());
    }

    private HistoryEntry row(Migration m, Kind kind, Status status, Integer resumeFrom) {
        return new HistoryEntry(++ids, m.id(), m.description(), kind, m.up().sha256(), null, "me", "host", Instant.EPOCH,
                1L, 1, 0L, 0L, status, resumeFrom, null);
    }

    private static List<MigrationStatus> reconcile(List<Migration> files, List<HistoryEntry> rows) {
        return Reconciler.reconcile(new MigrationSet(DIR, MigrationFormat.BULWARK, files), rows, Map.of(), null);
    }

    private static MigrationState stateOf(List<MigrationStatus> s, String id) {
        return s.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow().state();
    }

    @Test
    void repairedRowWithAResumePointIsPendingAtThatStatementNotFromTheStart() {
        Migration m = migration("1", "a");
        List<MigrationStatus> s = reconcile(List.of(m), List.of(row(m, Kind.VERSIONED, Status.REPAIRED, 2)));
        assertThat(stateOf(s, "1")).isEqualTo(MigrationState.PENDING);
        assertThat(s.get(0).detail()).contains("resumes at statement 3").doesNotContain("from the start");
    }

    @Test
    void interruptedRowLeftLatestReadsAsInterruptedAndResumable() {
        Migration m = migration("1", "a");
        List<MigrationStatus> s = reconcile(List.of(m), List.of(row(m, Kind.VERSIONED, Status.INTERRUPTED, 1)));
        assertThat(stateOf(s, "1")).isEqualTo(MigrationState.FAILED);
        assertThat(s.get(0).detail()).startsWith("interrupted at statement 2");
    }

    @Test
    void migrationWithoutHistoryIsPending() {
        List<MigrationStatus> s = reconcile(List.of(migration("1", "CREATE TABLE t1 ()")), List.of());
        assertThat(stateOf(s, "1")).isEqualTo(MigrationState.PENDING);
    }

    @Test
    void successfulRowWithSameChecksumIsApplied() {
        Migration m = migration("1", "CREATE TABLE t1 ()");
        assertThat(stateOf(reconcile(List.of(m), List.of(row(m, Kind.VERSIONED, Status.SUCCESS, null))), "1"))
                .isEqualTo(MigrationState.APPLIED);
    }

    @Test
    void fileChangedAfterApplyIsEdited() {
        Migration applied = migration("1", "CREATE TABLE t1 ()");
        Migration edited = migration("1", "CREATE TABLE t1 (id int)");
        assertThat(stateOf(reconcile(List.of(edited), List.of(row(applied, Kind.VERSIONED, Status.SUCCESS, null))), "1"))
                .isEqualTo(MigrationState.EDITED);
    }

    @Test
    void pendingMigrationSortingBeforeAnAppliedOneIsOutOfOrder() {
        Migration m1 = migration("1", "a");
        Migration m2 = migration("2", "b");
        Migration m3 = migration("3", "c");
        List<MigrationStatus> s = reconcile(List.of(m1, m2, m3),
                List.of(row(m1, Kind.VERSIONED, Status.SUCCESS, null), row(m3, Kind.VERSIONED, Status.SUCCESS, null)));
        assertThat(stateOf(s, "2")).isEqualTo(MigrationState.OUT_OF_ORDER);
        assertThat(stateOf(s, "3")).isEqualTo(MigrationState.APPLIED);
    }

    @Test
    void historyRowWithoutFileIsMissing() {
        Migration gone = migration("7", "x");
        List<MigrationStatus> s = reconcile(List.of(), List.of(row(gone, Kind.VERSIONED, Status.SUCCESS, null)));
        assertThat(stateOf(s, "7")).isEqualTo(MigrationState.MISSING);
    }

    @Test
    void successfulDownMakesTheMigrationPendingAgain() {
        Migration m = migration("1", "a");
        List<MigrationStatus> s = reconcile(List.of(m),
                List.of(row(m, Kind.VERSIONED, Status.SUCCESS, null), row(m, Kind.DOWN, Status.SUCCESS, null)));
        assertThat(stateOf(s, "1")).isEqualTo(MigrationState.PENDING);
    }

    @Test
    void interruptedRunIsFailedWithItsResumePoint() {
        Migration m = migration("1", "a");
        List<MigrationStatus> s = reconcile(List.of(m), List.of(row(m, Kind.VERSIONED, Status.RUNNING, 2)));
        MigrationStatus st = s.get(0);
        assertThat(st.state()).isEqualTo(MigrationState.FAILED);
        assertThat(st.detail()).contains("interrupted").contains("statement 3").contains("resumes");
    }

    @Test
    void repairedFailureIsPendingAgain() {
        Migration m = migration("1", "a");
        assertThat(stateOf(reconcile(List.of(m), List.of(row(m, Kind.VERSIONED, Status.REPAIRED, 1))), "1"))
                .isEqualTo(MigrationState.PENDING);
    }

    @Test
    void baselineCoversVersionsUpToItsOwnOnly() {
        Migration m1 = migration("1", "a");
        Migration m2 = migration("2", "b");
        Migration m3 = migration("3", "c");
        HistoryEntry baseline = new HistoryEntry(1, "2", "baseline", Kind.BASELINE, null, null, "me", "h", Instant.EPOCH,
                0L, 0, 0L, 0L, Status.SUCCESS, null, null);
        List<MigrationStatus> s = reconcile(List.of(m1, m2, m3), List.of(baseline));
        assertThat(stateOf(s, "1")).isEqualTo(MigrationState.BASELINE);
        assertThat(stateOf(s, "2")).isEqualTo(MigrationState.BASELINE);
        assertThat(stateOf(s, "3")).isEqualTo(MigrationState.PENDING);
    }

    @Test
    void versionsCompareByValueNotByText() {
        Migration m = migration("1_2", "a");
        HistoryEntry r = new HistoryEntry(1, "1.2", "m", Kind.VERSIONED, m.up().sha256(), null, "me", "h", Instant.EPOCH,
                0L, 0, 0L, 0L, Status.SUCCESS, null, null);
        assertThat(stateOf(reconcile(List.of(m), List.of(r)), "1_2")).isEqualTo(MigrationState.APPLIED);
    }

    @Test
    void changedRepeatableIsOutdatedNotEdited() {
        Migration before = repeatable("views", "CREATE VIEW v AS SELECT 1");
        Migration after = repeatable("views", "CREATE VIEW v AS SELECT 2");
        HistoryEntry r = new HistoryEntry(1, "views", "views", Kind.REPEATABLE, before.up().sha256(), null, "me", "h",
                Instant.EPOCH, 0L, 1, 0L, 0L, Status.SUCCESS, null, null);
        assertThat(stateOf(reconcile(new ArrayList<>(List.of(after)), List.of(r)), "views")).isEqualTo(MigrationState.OUTDATED);
    }
}
