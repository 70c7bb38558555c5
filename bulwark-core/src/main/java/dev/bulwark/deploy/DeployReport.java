package dev.bulwark.deploy;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one {@code bulwark deploy} did, stage by stage, and the state it left the database in.
 * Rendered as JSON and Markdown, recorded in {@code bulwark_audit}, sent to {@code --notify-url}.
 *
 * @param outcome       how it ended
 * @param exitCode      the process exit code it maps to
 * @param versionBefore the migration version before, or null
 * @param versionAfter  the migration version after, or null
 * @param applied       migrations applied by this deploy (and still applied, unless rolled back)
 * @param backup        the backup taken before applying, or null
 * @param state         the state of the database, in one sentence
 * @param todo          what a human must do, or null when nothing
 */
public record DeployReport(String id, String database, Instant startedAt, Instant finishedAt, Outcome outcome, int exitCode,
                           String versionBefore, String versionAfter, List<Stage> stages, List<String> applied, String backup,
                           List<Snapshots.Snapshot> snapshots, CheckResult.Report preflight, String state, String todo) {
    public DeployReport {
        stages = List.copyOf(stages);
        applied = List.copyOf(applied);
        snapshots = List.copyOf(snapshots);
    }

    public enum Outcome {
        /** everything applied and verified (or nothing was pending) */
        DEPLOYED(0),
        /** preflight failed: nothing was changed */
        REFUSED(1),
        /** a stage failed and the database is back where it was, verified */
        ROLLED_BACK(4),
        /** a stage failed and the database could not be proven back: a human must act */
        NOT_ROLLED_BACK(5);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    public enum Status {
        OK, WARN, FAILED, SKIPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param decision what Bulwark decided because of this stage's result
     * @param details  what it found or did, one line each
     */
    public record Stage(String name, Status status, Instant startedAt, long durationMs, String decision, List<String> details) {
        public Stage {
            details = List.copyOf(details);
        }
    }

    /** The report as Markdown, for a pull request comment or a wiki page. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Deploy ").append(id).append(": ").append(outcome.label()).append("\n\n");
        b.append("- Database: `").append(database).append("`\n");
        b.append("- Started: ").append(startedAt).append(", finished: ").append(finishedAt).append('\n');
        b.append("- Version: ").append(versionBefore == null ? "none" : versionBefore).append(" → ")
                .append(versionAfter == null ? "none" : versionAfter).append('\n');
        b.append("- Exit code: ").append(exitCode).append('\n');
        if (backup != null) {
            b.append("- Backup: `").append(backup).append("`\n");
        }
        b.append("- State: ").append(state).append('\n');
        if (todo != null) {
            b.append("- **To do:** ").append(todo).append('\n');
        }
        b.append("\n| stage | result | time | decision |\n|---|---|---|---|\n");
        for (Stage s : stages) {
            b.append("| ").append(s.name()).append(" | ").append(s.status().label()).append(" | ").append(s.durationMs()).append(" ms | ")
                    .append(s.decision() == null ? "" : s.decision().replace("|", "\\|")).append(" |\n");
        }
        for (Stage s : stages) {
            if (!s.details().isEmpty()) {
                b.append("\n## ").append(s.name()).append("\n\n");
                s.details().forEach(d -> b.append("- ").append(d.replace("\n", " ")).append('\n'));
            }
        }
        if (!snapshots.isEmpty()) {
            b.append("\n## Snapshots\n\n| id | statement | table | rows | restored |\n|---|---|---|---|---|\n");
            for (Snapshots.Snapshot s : snapshots) {
                b.append("| ").append(s.id()).append(" | ").append(s.kind().label()).append(" | ").append(s.table()).append(" | ")
                        .append(s.rows()).append(" | ").append(s.restoredAt() == null ? "no" : "yes").append(" |\n");
            }
        }
        return b.toString();
    }
}
