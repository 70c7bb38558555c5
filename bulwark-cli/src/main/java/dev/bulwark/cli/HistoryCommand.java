package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.history.HistoryEntry;
import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Show what ran on the database, row by row.",
                "Every row of bulwark_history: what ran, when, by whom, how long, how many rows and lock waits."})
final class HistoryCommand extends DatabaseCommand {
    @picocli.CommandLine.Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    @Override
    int run(Bulwark b) {
        List<HistoryEntry> rows = b.history();
        if (output.json()) {
            Json.print(out(), Json.obj("database", b.targetDescription(), "entries", rows.stream().map(e -> Json.obj(
                    "id", e.id(), "version", e.version(), "description", e.description(), "kind", e.kind().dbValue(),
                    "status", e.status().dbValue(), "startedAt", Json.when(e.startedAt()), "appliedBy", e.appliedBy(),
                    "host", e.host(), "durationMs", e.durationMs(), "statements", e.statements(),
                    "rowsAffected", e.rowsAffected(), "lockWaitMs", e.lockWaitMs(), "resumeFrom", e.resumeFrom(),
                    "error", e.error())).toList()));
            return ExitCodes.OK;
        }
        out().println("Database:   " + b.targetDescription());
        out().println();
        if (rows.isEmpty()) {
            out().println("  no history yet: nothing was applied with Bulwark on this database");
            return ExitCodes.OK;
        }
        Table t = new Table("#", "VERSION", "DESCRIPTION", "KIND", "STATUS", "STARTED", "BY", "HOST", "MS", "STMTS", "ROWS", "LOCK WAIT MS", "NOTE");
        for (HistoryEntry e : rows) {
            String note = e.resumeFrom() != null ? "resume at statement " + (e.resumeFrom() + 1) : "";
            if (e.error() != null) {
                note = (note.isEmpty() ? "" : note + "; ") + e.error().lines().findFirst().orElse("");
            }
            t.add(e.id(), e.version(), e.description(), e.kind().dbValue(), e.status().dbValue(),
                    StatusCommand.WHEN.format(e.startedAt()), e.appliedBy(), e.host(), e.durationMs(), e.statements(),
                    e.rowsAffected(), e.lockWaitMs(), note);
        }
        t.print(out());
        return ExitCodes.OK;
    }
}
