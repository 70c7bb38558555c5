package dev.bulwark.cli;

import dev.bulwark.migration.ProjectScaffold;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write bulwark.toml and an empty migrations/ folder in the project folder. Never overwrites.")
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProjectScaffold.init(root.projectDir());
        spec.commandLine().getOut().println("Wrote " + root.projectDir().resolve("bulwark.toml") + " and migrations/."
                + " Next: bulwark new create_users");
        return ExitCodes.OK;
    }
}
