package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

// No standard -V/--version here: the command's own --version VERSION would displace it (and with it --help).
@Command(name = "baseline",
        description = {"Adopt an existing database at a version.",
                "Records that the database already has every migration up to VERSION, without running them."
                        + " Refuses when Bulwark has already applied migrations here."})
final class BaselineCommand extends StatementCommand {
    @Option(names = "--version", required = true, paramLabel = "VERSION", description = "The version the database is at.")
    String version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--description", paramLabel = "TEXT", defaultValue = "baseline", description = "Note for the history (default: baseline).")
    String description;

    @Override
    int run(Bulwark b) {
        b.baseline(version, description);
        out().println("Baselined " + b.targetDescription() + " at " + version
                + ": migrations up to it count as applied, later ones are pending.");
        return ExitCodes.OK;
    }
}
