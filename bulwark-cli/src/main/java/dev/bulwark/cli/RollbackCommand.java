package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.execute.MigrateResult;
import dev.bulwark.cli.options.ResumeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Revert the last migrations with their downs.",
                "Runs downs in reverse order. Refuses, before touching anything, when a migration in range has no down"
                        + " (or an empty one), or when a migration above it is half applied or its file is missing."})
final class RollbackCommand extends StatementCommand {
    @Option(names = "--steps", paramLabel = "N", description = "How many migrations to revert (default 1).")
    Integer steps;

    @Option(names = "--to", paramLabel = "VERSION", description = "Revert every migration above this version.")
    String to;

    @Option(names = "--dry-run", description = "Print what would run and change nothing.")
    boolean dryRun;

    @Mixin
    ResumeOptions resume;

    @picocli.CommandLine.Mixin
    dev.bulwark.cli.options.OutputOptions output;

    @Override
    boolean progressToStderr() {
        return output.json();
    }

    @Override
    int run(Bulwark b) {
        b.onUncertainStep(resume.resolver(out()));
        MigrateResult r = MigrateJson.run(b, out(), output.json(), dryRun, "rollback", () -> b.rollback(steps, to, dryRun));
        if (r == null) {
            return ExitCodes.OK;
        }
        if (dryRun) {
            out().println("-- Dry run: nothing was changed. These statements would run:");
            out().println();
            r.dryRunSql().forEach(out()::println);
            return ExitCodes.OK;
        }
        if (r.applied().isEmpty()) {
            out().println("Nothing to roll back.");
        } else {
            out().println("Rolled back " + r.applied().size() + " migration" + (r.applied().size() == 1 ? "" : "s")
                    + "; the database is " + (r.current() == null ? "at no version." : "at " + r.current() + "."));
        }
        return ExitCodes.OK;
    }
}
