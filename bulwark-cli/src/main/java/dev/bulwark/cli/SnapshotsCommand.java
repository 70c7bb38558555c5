package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.Durations;
import dev.bulwark.ErrorCode;
import dev.bulwark.deploy.DeploySettings;
import dev.bulwark.deploy.Snapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"List or prune the data snapshots deploys took.",
                "Deploys snapshot the data destructive statements remove (in the bulwark_snapshots schema, or"
                        + " --snapshot-dir). --prune deletes those older than the retention window (default 7 days)."})
final class SnapshotsCommand extends DatabaseCommand {
    @Option(names = "--snapshot-dir", paramLabel = "DIR", description = "Snapshots written as files here (default: the bulwark_snapshots schema).")
    Path snapshotDir;

    @Option(names = "--prune", description = "Delete snapshots older than the retention window.")
    boolean prune;

    @Option(names = "--older-than", paramLabel = "DURATION", description = "Retention window for --prune (default: [deploy] snapshot_retention, else 7d).")
    String olderThan;

    @Option(names = "--dry-run", description = "With --prune: say what would be deleted.")
    boolean dryRun;

    @picocli.CommandLine.Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    private static java.util.Map<String, Object> json(Snapshots.Snapshot x) {
        return Json.obj("id", x.id(), "deployId", x.deployId(), "migration", x.migration(), "statement", x.kind().label(),
                "table", x.table().toString(), "rows", x.rows(), "createdAt", Json.when(x.createdAt()),
                "restoredAt", Json.when(x.restoredAt()), "location", x.location());
    }

    @Override
    int run(Bulwark b) {
        boolean json = output.json();
        DeploySettings s = DeploySettings.load(root.projectDir());
        Path dir = snapshotDir != null ? root.workingDir.resolve(snapshotDir) : s.snapshotDir();
        Snapshots snapshots = new Snapshots(dir);
        try (Connection c = b.target().open("bulwark-snapshots")) {
            if (prune) {
                Duration keep = olderThan == null ? s.snapshotRetention() : Durations.parse(olderThan, "--older-than");
                List<Snapshots.Snapshot> gone = snapshots.prune(c, keep, dryRun);
                if (json) {
                    Json.print(out(), Json.obj("pruned", true, "dryRun", dryRun, "olderThan", Durations.human(keep),
                            "snapshots", gone.stream().map(SnapshotsCommand::json).toList()));
                    return ExitCodes.OK;
                }
                gone.forEach(x -> out().println((dryRun ? "would delete " : "deleted ") + x.id() + " (" + x.kind().label() + " " + x.table()
                        + ", " + x.rows() + " rows, " + BackupCommand.WHEN.format(x.createdAt()) + ")"));
                out().println((dryRun ? "Would delete " : "Deleted ") + gone.size() + " snapshot(s) older than " + Durations.human(keep) + ".");
                return ExitCodes.OK;
            }
            List<Snapshots.Snapshot> all = snapshots.list(c);
            if (json) {
                Json.print(out(), Json.obj("pruned", false, "dryRun", false, "olderThan", null,
                        "snapshots", all.stream().map(SnapshotsCommand::json).toList()));
                return ExitCodes.OK;
            }
            if (all.isEmpty()) {
                out().println("No snapshots" + (dir != null ? " in " + dir : " in schema " + Snapshots.SCHEMA) + ".");
                return ExitCodes.OK;
            }
            Table t = new Table("SNAPSHOT", "TAKEN", "MIGRATION", "STATEMENT", "TABLE", "ROWS", "RESTORED", "WHERE");
            for (Snapshots.Snapshot x : all) {
                t.add(x.id(), BackupCommand.WHEN.format(x.createdAt()), x.migration(), x.kind().label(), x.table(), x.rows(),
                        x.restoredAt() == null ? "no" : BackupCommand.WHEN.format(x.restoredAt()), x.location());
            }
            t.print(out());
            out().flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "cannot read snapshots: " + e.getMessage(), null, e);
        }
    }
}
