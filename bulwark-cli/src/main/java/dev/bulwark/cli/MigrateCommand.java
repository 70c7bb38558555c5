package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.cli.options.ResumeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Apply pending migrations.",
                "Each migration runs in its own transaction, under lock_timeout with retries. Statements PostgreSQL refuses"
                        + " in a transaction (CREATE INDEX CONCURRENTLY …) run alone; a failed non-transactional migration"
                        + " resumes at the failed statement next time."})
final class MigrateCommand extends StatementCommand {
    @Option(names = "--to", paramLabel = "VERSION", description = "Stop after this version.")
    String to;

    @Option(names = "--dry-run", description = "Print the exact session settings and statements, in order, and change nothing.")
    boolean dryRun;

    @Option(names = "--out-of-order", description = "Apply pending migrations that sort before applied ones instead of refusing.")
    boolean outOfOrder;

    @Mixin
    ResumeOptions resume;

    @Option(names = "--phase", paramLabel = "PHASE", defaultValue = "expand",
            description = "expand (default): stop before the first pending -- bulwark:phase contract migration (exit 0, and"
                    + " say so); contract: run the contract migrations too, once the application release is out.")
    String phase;

    @picocli.CommandLine.Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    @Override
    int run(Bulwark b) {
        b.onUncertainStep(resume.resolver(out()));
        b.allowContractPhase(PhaseOption.contract(phase));
        MigrateResult r = MigrateJson.run(b, out(), output.json(), dryRun, "migrate", () -> b.migrate(to, dryRun, outOfOrder));
        if (r == null) {
            return ExitCodes.OK;
        }
        if (dryRun) {
            if (r.dryRunSql().isEmpty()) {
                out().println("-- Nothing to apply: the database is up to date" + (r.current() != null ? " at " + r.current() : "") + ".");
            } else {
                out().println("-- Dry run: nothing was changed. These statements would run:");
                out().println();
                r.dryRunSql().forEach(out()::println);
            }
            if (r.barrier() != null) {
                out().println("-- " + r.barrier().message() + ".");
            }
            return ExitCodes.OK;
        }
        if (r.barrier() != null) {
            if (!r.applied().isEmpty()) {
                out().println("Applied " + r.applied().size() + " migration" + (r.applied().size() == 1 ? "" : "s")
                        + "; the database is at " + r.current() + ".");
            }
            out().println(r.barrier().message() + ".");
            return ExitCodes.OK;
        }
        if (r.applied().isEmpty()) {
            out().println("Nothing to apply: the database is up to date" + (r.current() != null ? " at " + r.current() : "") + ".");
        } else {
            out().println("Applied " + r.applied().size() + " migration" + (r.applied().size() == 1 ? "" : "s")
                    + "; the database is at " + r.current() + ".");
        }
        return ExitCodes.OK;
    }
}
