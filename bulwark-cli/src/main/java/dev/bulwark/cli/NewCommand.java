package dev.bulwark.cli;

import dev.bulwark.BulwarkConfig;
import dev.bulwark.migration.MigrationFormat;
import dev.bulwark.migration.MigrationSources;
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
import java.util.stream.Stream;

@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Write a new migration with both an up and a down section, in the folder's format.")
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
        MigrationFormat format = project.format != null ? MigrationFormat.fromId(project.format)
                : c.format() != null ? c.format() : detectOrDefault(dir);
        Files.createDirectories(dir);
        List<Path> written = ProjectScaffold.newMigration(dir, name, format, Clock.systemUTC());
        for (Path p : written) {
            spec.commandLine().getOut().println("Wrote " + root.projectDir().relativize(p.toAbsolutePath().normalize()));
        }
        return ExitCodes.OK;
    }

    private static MigrationFormat detectOrDefault(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return MigrationFormat.BULWARK;
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                return MigrationFormat.BULWARK;
            }
        }
        return MigrationSources.detect(dir);
    }
}
