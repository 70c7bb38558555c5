package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.execute.MigrateResult;

import java.util.Map;

/** {@code migrate -o json} and {@code rollback -o json}: one shape (docs/json/migrate.schema.json). */
final class MigrateJson {
    private MigrateJson() {
    }

    /**
     * What {@code migrate} and {@code rollback} share: the target line (a dry run's is an SQL
     * comment, so its output reads as a script), the refusal while a deploy is unfinished (also
     * with {@code -o json}), the run, and with {@code -o json} the result printed.
     *
     * @return the result for the command to print as text, or null when it was printed as JSON
     */
    static MigrateResult run(Bulwark b, java.io.PrintWriter out, boolean json, boolean dryRun, String command,
                             java.util.function.Supplier<MigrateResult> run) {
        if (!json) {
            out.println((dryRun ? "-- " : "") + "Database:   " + b.targetDescription());
        }
        if (!dryRun) {
            UnfinishedDeploys.journal(b).refuseIfUnfinished(command);
        }
        MigrateResult r = run.get();
        if (json) {
            Json.print(out, of(b, r, dryRun));
            return null;
        }
        return r;
    }

    static Map<String, Object> of(Bulwark b, MigrateResult r, boolean dryRun) {
        return Json.obj("database", b.targetDescription(), "dryRun", dryRun,
                "applied", r.applied().stream().map(a -> Json.obj("version", a.id(), "description", a.description(),
                        "down", a.down(), "durationMs", a.durationMs(), "statements", a.statements(),
                        "rowsAffected", a.rowsAffected(), "lockWaitMs", a.lockWaitMs(), "lockRetries", a.lockRetries(),
                        "resumedFrom", a.resumedFrom())).toList(),
                "current", r.current(),
                "statements", dryRun ? r.dryRunSql() : java.util.List.of(),
                "barrier", r.barrier() == null ? null : Json.obj("version", r.barrier().id(), "description", r.barrier().description(),
                        "waiting", r.barrier().waiting()));
    }
}
