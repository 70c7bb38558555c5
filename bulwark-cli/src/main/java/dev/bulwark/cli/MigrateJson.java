package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.execute.MigrateResult;

import java.util.Map;

/** {@code migrate -o json} and {@code rollback -o json}: one shape (docs/json/migrate.schema.json). */
final class MigrateJson {
    private MigrateJson() {
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
