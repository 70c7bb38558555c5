package dev.bulwark.rehearse;

import dev.bulwark.catalog.LiveSizes;

import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.trace.StatementTrace;

import java.util.List;

/**
 * What {@code bulwark test} found: per migration, the trace of every statement, the first
 * failure, the round trip, and the findings drawn from the trace.
 *
 * @param scratchDatabase the throwaway database it ran in (dropped afterwards)
 * @param serverVersion   the server's version, e.g. {@code 15.15}
 * @param live            the real target's table sizes (with {@code --url}), or {@link LiveSizes#NONE}
 * @param layout          what in the folder could not be read as a migration (a Go migration, a duplicate
 *                        version, …): not rehearsed, reported as findings
 */
public record RehearsalResult(String scratchDatabase, String serverVersion, List<MigrationRehearsal> migrations,
                              long durationMs, LiveSizes live, List<dev.bulwark.migration.LayoutProblem> layout) {

    public RehearsalResult {
        layout = List.copyOf(layout);
    }

    /** A rehearsal of a folder read without layout problems. */
    public RehearsalResult(String scratchDatabase, String serverVersion, List<MigrationRehearsal> migrations,
                           long durationMs, LiveSizes live) {
        this(scratchDatabase, serverVersion, migrations, durationMs, live, List.of());
    }

    /** The same result, with the layout problems met reading the folder. */
    public RehearsalResult withLayout(List<dev.bulwark.migration.LayoutProblem> problems) {
        return new RehearsalResult(scratchDatabase, serverVersion, migrations, durationMs, live, problems);
    }

    /**
     * True when anything must stop a deploy: a failed statement, a failed round trip, an error-level
     * finding, or a layout problem (what it names was not rehearsed, and migrate refuses the folder).
     */
    public boolean failed() {
        return !layout.isEmpty() || migrations.stream().anyMatch(MigrationRehearsal::failed);
    }

    public int statements() {
        return migrations.stream().mapToInt(m -> m.up().size()).sum();
    }

    /**
     * One migration's rehearsal.
     *
     * @param failure   the first statement that failed (with the server's message), or null
     * @param upDiff    what the up changed in the catalog
     * @param roundTrip up → down → up, or null when the rehearsal stopped before it
     * @param staticChecks lint's lock and rewrite predictions for this migration, held against the trace
     * @param skipped   why it was not rehearsed (an earlier migration failed), or null
     */
    public record MigrationRehearsal(String id, String description, String file, List<StatementTrace> up,
                                     StatementTrace failure, CatalogDiff upDiff, RoundTrip roundTrip,
                                     List<TraceFinding> findings, List<StaticCheck> staticChecks, String skipped) {
        public MigrationRehearsal {
            up = List.copyOf(up);
            findings = List.copyOf(findings);
            staticChecks = List.copyOf(staticChecks);
        }

        public boolean failed() {
            return failure != null
                    || (roundTrip != null && roundTrip.outcome().isFailure())
                    || findings.stream().anyMatch(f -> f.severity() == TraceFinding.Severity.ERROR);
        }
    }

    /** The result of up → down → up. */
    public record RoundTrip(Outcome outcome, String detail, List<StatementTrace> down, CatalogDiff notReversed,
                            CatalogDiff reapplyDiffers) {

        public enum Outcome {
            PASSED("down restores the schema; up again reproduces it", false),
            NO_DOWN("irreversible: no down migration", false),
            DOWN_FAILED("the down fails", true),
            NOT_REVERSED("the down leaves the schema different from before the up", true),
            DATA_LOSS("the down destroys data the up did not create", true),
            REAPPLY_FAILED("up fails when run again after the down", true),
            REAPPLY_DIFFERS("up run again after the down gives a different schema", true);

            private final String meaning;
            private final boolean failure;

            Outcome(String meaning, boolean failure) {
                this.meaning = meaning;
                this.failure = failure;
            }

            public String meaning() {
                return meaning;
            }

            public boolean isFailure() {
                return failure;
            }
        }
    }
}
