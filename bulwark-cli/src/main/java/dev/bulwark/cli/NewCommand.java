package dev.bulwark.cli;

import dev.bulwark.BulwarkConfig;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.ProjectScaffold;
import dev.bulwark.cli.options.ProjectOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Write a new migration.",
                "The new file has both an up and a down section, in the folder's format."})
final class NewCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Parameters(paramLabel = "NAME", description = "What the migration does, e.g. add_email_to_users.")
    String name;

    @Override
    public Integer call() throws IOException {
        BulwarkConfig c = BulwarkConfig.load(root.projectDir());
        Path dir = project.dir != null ? root.workingDir.resolve(project.dir) : c.migrationsDir();
        // null: the folder's own format, or Bulwark's for an empty folder
        MigrationFormat format = project.format != null ? MigrationFormat.fromId(project.format) : c.format();
        Files.createDirectories(dir);
        List<Path> written = ProjectScaffold.newMigration(dir, name, format, Clock.systemUTC());
        for (Path p : written) {
            spec.commandLine().getOut().println("Wrote " + root.projectDir().relativize(p.toAbsolutePath().normalize()));
        }
        return ExitCodes.OK;
    }
}
