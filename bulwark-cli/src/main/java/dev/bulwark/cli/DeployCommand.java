package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.Durations;
import dev.bulwark.backup.BackupCipher;
import dev.bulwark.backup.BackupSettings;
import dev.bulwark.backup.Backups;
import dev.bulwark.deploy.DeployReport;
import dev.bulwark.deploy.DeploySettings;
import dev.bulwark.deploy.Deployer;
import dev.bulwark.pg.PgTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploy pending migrations; roll back if anything fails.",
                "Preflight checks, a verified backup, snapshots of the data destructive statements remove, apply under"
                        + " lock timeouts, verify (integrity, checks/, fingerprints of every table the migrations do not"
                        + " declare they change), optional health probe. If a stage fails or --max-duration passes, it"
                        + " rolls back (downs, snapshot restores; a full restore only with --allow-restore) and verifies"
                        + " again. Reports: .bulwark/reports/<deploy>.json and .md, and the bulwark_audit table.",
                "Every stage and every rollback step still owed is journaled in the database first: a deploy killed at"
                        + " any instant is finished by 'bulwark deploy --resume'; until then status, check and verify exit 7"
                        + " and migrate and deploy refuse. SIGTERM and SIGINT roll the deploy back (up to 60 s; the rest is"
                        + " left to --resume).",
                "Exits 0 deployed, 1 refused by preflight (nothing changed), 4 rolled back, 5 NOT rolled back, 7 another"
                        + " deploy is unfinished (or, after a signal, this one could not finish its rollback in time)."})
final class DeployCommand extends StatementCommand {
    @Mixin
    BackupCommand.Options backupOptions;

    @Option(names = "--no-backup", description = "Do not back up first (then no full restore is possible).")
    boolean noBackup;

    @Option(names = "--encrypt", description = "Encrypt the backup (key from --key-env or --key-file); default: [backup] encrypt.")
    Boolean encrypt;

    @Option(names = "--allow-restore", description = "If downs and snapshots cannot bring the database back, restore the backup.")
    Boolean allowRestore;

    @Option(names = "--max-duration", paramLabel = "DURATION", description = "Roll back when the deploy takes longer (default: none).")
    String maxDuration;

    @Option(names = "--health-url", paramLabel = "URL", description = "GET after verification; anything but 2xx/3xx rolls back.")
    String healthUrl;

    @Option(names = "--notify-url", paramLabel = "URL", description = "POST a JSON event per stage (with a 'text' field for Slack/Discord webhooks).")
    String notifyUrl;

    @Option(names = "--snapshot-dir", paramLabel = "DIR", description = "Write snapshots as files here instead of the bulwark_snapshots schema.")
    Path snapshotDir;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where the JSON and Markdown reports go (default .bulwark/reports).")
    Path reportDir;

    @Option(names = "--expect-change", paramLabel = "TABLE", description = "A table others write during the deploy: its data is not compared (repeatable).")
    List<String> expectChange = new ArrayList<>();

    @Option(names = "--exec", paramLabel = "COMMAND",
            description = "Run another tool's migrations as the apply stage (alembic upgrade head, prisma migrate deploy…):"
                    + " it gets PGOPTIONS with Bulwark's lock and statement timeouts, PG* variables and DATABASE_URL.")
    String exec;

    @Option(names = "--exec-rollback", paramLabel = "COMMAND", description = "That tool's undo command (alembic downgrade <rev>…); else only the backup can undo it.")
    String execRollback;

    @Option(names = "--phase", paramLabel = "PHASE", defaultValue = "expand",
            description = "expand (default): apply up to the first pending -- bulwark:phase contract migration and stop there"
                    + " (a planned stop: exit 0); contract: apply the contract migrations too, after the application release.")
    String phase;

    @Option(names = "--ignore-check", paramLabel = "ID", description = "Deploy even if this preflight check fails (repeatable).")
    List<String> ignoreChecks = new ArrayList<>();

    @Option(names = "--resume", description = {"Finish interrupted deploys from their journal: roll back what they applied",
            "(or the rollback steps still owed), prove the database back, and close the journal. Safe to repeat."})
    boolean resume;

    private volatile Deployer deployer;
    private volatile Integer exitCode;

    @Override
    void onSignal(Bulwark b) {
        Deployer d = deployer;
        if (d != null) {
            d.interrupt(); // cancels the running statement before the rollback; lets the rollback itself finish
        } else {
            b.cancel();
        }
    }

    @Override
    java.time.Duration signalGrace() {
        return Deployer.SIGNAL_GRACE;
    }

    @Override
    Integer signalExitCode(boolean finished) {
        Integer code = exitCode;
        // not finished in time: the journal keeps what is still owed for --resume
        return finished && code != null ? code : ExitCodes.DEPLOY_UNFINISHED;
    }

    @Override
    int run(Bulwark b) {
        Path wd = root.workingDir;
        DeploySettings s = DeploySettings.load(root.projectDir()).with(
                maxDuration == null ? null : Durations.parse(maxDuration, "--max-duration"), healthUrl, notifyUrl, allowRestore,
                snapshotDir == null ? null : wd.resolve(snapshotDir), reportDir == null ? null : wd.resolve(reportDir));
        BackupSettings bs = backupOptions.settings(root, encrypt, 1);
        BackupCipher.Key key = bs.encrypt() && !noBackup ? bs.key(root.env) : null;
        Backups backups = new Backups(bs.dir(), new PgTools(bs.pgBin(), root.env), b.config().historySchema(), listener());
        out().println("Database:   " + b.targetDescription());
        b.allowContractPhase(PhaseOption.contract(phase));
        Deployer.Options options = new Deployer.Options(!noBackup, key, expectChange, new HashSet<>(ignoreChecks),
                VersionProvider.version(), exec, execRollback);
        deployer = new Deployer(b, s, backups, options, listener());
        if (resume) {
            return resume(s);
        }
        DeployReport r = deployer.run();
        print(s, r);
        exitCode = r.exitCode();
        return r.exitCode();
    }

    private int resume(DeploySettings s) {
        List<DeployReport> reports = deployer.resume();
        if (reports.isEmpty()) {
            out().println("Nothing to resume: no deploy is unfinished.");
            out().flush();
            exitCode = ExitCodes.OK;
            return ExitCodes.OK;
        }
        int worst = ExitCodes.OK;
        for (DeployReport r : reports) {
            print(s, r);
            worst = Math.max(worst, r.exitCode());
        }
        exitCode = worst;
        return worst;
    }

    private void print(DeploySettings s, DeployReport r) {
        out().println();
        out().println(r.outcome().label().toUpperCase(java.util.Locale.ROOT) + ": " + r.state());
        if (r.todo() != null) {
            out().println("  to do: " + r.todo());
        }
        out().println("Report: " + rel(Deployer.reportFile(s, r, "md")) + " and " + rel(Deployer.reportFile(s, r, "json")));
        out().flush();
    }
}
