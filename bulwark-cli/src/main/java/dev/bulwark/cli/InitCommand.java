package dev.bulwark.cli;

import dev.bulwark.migration.ProjectScaffold;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Start a project: bulwark.toml and a migrations/ folder.",
                "Writes bulwark.toml and an empty migrations/ folder in the project folder, and adds .bulwark/ (the"
                        + " embedded server's data, backups, reports) to .gitignore. Never overwrites."})
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProjectScaffold.init(root.projectDir());
        boolean ignored = ignoreBulwarkFolder(root.projectDir());
        spec.commandLine().getOut().println("Wrote " + root.projectDir().resolve("bulwark.toml") + " and migrations/"
                + (ignored ? ", and added .bulwark/ to .gitignore" : "") + ". Next: bulwark new create_users");
        return ExitCodes.OK;
    }

    /**
     * Keeps .bulwark/ (the embedded server's data, backups with production rows, reports) out of git: appends it to
     * .gitignore unless a line already ignores it. True when it added the line.
     */
    static boolean ignoreBulwarkFolder(Path projectDir) {
        Path file = projectDir.resolve(".gitignore");
        try {
            String text = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            boolean present = text.lines().map(String::strip)
                    .anyMatch(l -> l.equals(".bulwark") || l.equals(".bulwark/") || l.equals("/.bulwark") || l.equals("/.bulwark/"));
            if (present) {
                return false;
            }
            String add = (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
                    + "# Bulwark: embedded server data, backups (production rows), reports\n.bulwark/\n";
            Files.writeString(file, text + add, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot update " + file + ": " + e.getMessage(),
                    "add the line .bulwark/ to .gitignore by hand");
        }
    }
}
