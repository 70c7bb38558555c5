package dev.bulwark.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "bulwark",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Safe PostgreSQL schema migrations: find the dangerous migration before it runs, apply without"
                        + " blocking the application, prove nothing was lost, roll back when something is wrong.",
                "",
                "With no database configured (--url, DATABASE_URL, PG* variables or bulwark.toml), commands run"
                        + " against an embedded PostgreSQL whose data lives in .bulwark/pgdata under the project folder."},
        subcommands = {
                InitCommand.class,
                NewCommand.class,
                StatusCommand.class,
                LintCommand.class,
                PlanCommand.class,
                MigrateCommand.class,
                RollbackCommand.class,
                HistoryCommand.class,
                BaselineCommand.class,
                RepairCommand.class,
                TestCommand.class,
                BackupCommand.class,
                CheckCommand.class,
                DeployCommand.class,
                SnapshotsCommand.class,
                DbCommand.class,
                VerifyCommand.class,
                AuditCommand.class,
                CopyCommand.class,
                BackfillCommand.class,
                ReplicateCommand.class,
                CompletionCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = ExitCodes.HELP)
public final class BulwarkCommand implements Runnable {
    final Map<String, String> env;
    final Path workingDir;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean stacktrace;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Also print what the library logs (embedded server start and stop, retries).")
    void verbose(boolean on) {
        // read by slf4j-simple when the first logger is created, which is after option parsing
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", on ? "info" : "warn");
    }

    @Option(names = "--no-color", scope = ScopeType.INHERIT,
            description = "No colour (also when NO_COLOR is set; colour is only ever used on a terminal).")
    boolean noColor;

    /** The old name of two different things: answer with both new names instead of guessing. */
    @Option(names = "--format", hidden = true, scope = ScopeType.INHERIT, arity = "0..1", paramLabel = "FORMAT")
    void format(String value) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--format is ambiguous: use -o/--output for the output format (text, json, …)"
                        + " or --migration-format for the migration layout (flyway, dbmate, …)");
    }

    @Option(names = {"-C", "--project-dir"}, scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Project folder holding bulwark.toml and .bulwark/ (default: the current folder).")
    Path projectDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** For tools that build the command model by reflection (the man page generator at build time). */
    BulwarkCommand() {
        this(System.getenv(), Path.of("").toAbsolutePath());
    }

    BulwarkCommand(Map<String, String> env, Path workingDir) {
        this.env = env;
        this.workingDir = workingDir;
    }

    Path projectDir() {
        return projectDir == null ? workingDir : workingDir.resolve(projectDir).normalize();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
