package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.Backups;
import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.deploy.CheckResult;
import dev.bulwark.deploy.DeploySettings;
import dev.bulwark.Listener;
import dev.bulwark.pg.PgTools;
import picocli.CommandLine.Command;
import dev.bulwark.cli.options.OutputOptions;
import picocli.CommandLine.Mixin;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Run a deploy's preflight checks; change nothing.",
                "Each check with its measured value, threshold and fix: connectivity, server version, migration set,"
                        + " failed migrations, privileges, recent backup, long queries, idle transactions, locks on the"
                        + " tables the pending migrations touch, disk space, replication lag, connection headroom,"
                        + " transaction ID wraparound. Thresholds: [deploy] in bulwark.toml.",
                "Exits 1 when a check fails (warnings exit 0); 7 when a deploy is unfinished ('bulwark deploy --resume')."})
final class CheckCommand extends DatabaseCommand {
    @Mixin
    OutputOptions output;

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    @Override
    int run(Bulwark b) {
        boolean json = output.json();
        BackupSettings bs = BackupSettings.load(root.projectDir());
        Backups backups = new Backups(bs.dir(), new PgTools(bs.pgBin(), root.env), b.config().historySchema(), Listener.SILENT);
        CheckResult.Report r = b.check(DeploySettings.load(root.projectDir()), backups);
        if (json) {
            out().println(CatalogJson.write(r));
        } else {
            out().println("Database:   " + b.targetDescription());
            out().println();
            print(r, out());
        }
        out().flush();
        if (r.checks().stream().anyMatch(x -> x.id().equals("unfinished-deploy") && x.outcome() == CheckResult.Outcome.FAIL)) {
            return ExitCodes.DEPLOY_UNFINISHED;
        }
        return r.worst() == CheckResult.Outcome.FAIL ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    static void print(CheckResult.Report r, java.io.PrintWriter out) {
        Table t = new Table("CHECK", "RESULT", "MEASURED", "THRESHOLD");
        for (CheckResult c : r.checks()) {
            t.add(c.id(), c.outcome().label(), c.measured(), c.threshold());
        }
        t.print(out);
        out.println();
        for (CheckResult c : r.checks()) {
            if (c.outcome() != CheckResult.Outcome.PASS) {
                out.println(c.outcome().label() + ": " + c.id() + ": " + c.message());
                if (c.fix() != null) {
                    out.println("  fix: " + c.fix());
                }
            }
        }
        out.println(r.count(CheckResult.Outcome.PASS) + " passed, " + r.count(CheckResult.Outcome.WARN) + " warned, "
                + r.count(CheckResult.Outcome.FAIL) + " failed.");
    }
}
