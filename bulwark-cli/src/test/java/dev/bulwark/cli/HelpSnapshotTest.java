package dev.bulwark.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command's help, laid out by picocli at 80 and 120 columns, against the snapshots in
 * src/test/resources/help. After a deliberate change: {@code -Dhelp.update=true} rewrites them; review the diff.
 */
class HelpSnapshotTest {
    static final Path SNAPSHOTS = Path.of("src/test/resources/help");

    static CommandLine tree() {
        return Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(), Path.of("."), true);
    }

    static List<CommandLine> all(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub) && !sub.getCommandSpec().usageMessage().hidden()) {
                all(sub).stream().filter(c -> !out.contains(c)).forEach(out::add);
            }
        }
        return out;
    }

    static String usage(CommandLine cl, int width) {
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(width);
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void everyCommandsHelpMatchesItsSnapshotAt80And120Columns() throws IOException {
        boolean update = Boolean.getBoolean("help.update");
        List<String> differ = new ArrayList<>();
        for (int width : new int[]{80, 120}) {
            for (CommandLine cl : all(tree())) {
                String name = cl.getCommandSpec().qualifiedName("-");
                String text = usage(cl, width);
                Path file = SNAPSHOTS.resolve(name + "-" + width + ".txt");
                if (update) {
                    Files.createDirectories(SNAPSHOTS);
                    Files.writeString(file, text, StandardCharsets.UTF_8);
                } else if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                    differ.add(file.toString());
                }
            }
        }
        assertThat(differ).as("help differs from its snapshot (rerun with -Dhelp.update=true and review)").isEmpty();
    }

    @Test
    void helpFitsTheWidthItIsLaidOutFor() {
        for (int width : new int[]{80, 120}) {
            for (CommandLine cl : all(tree())) {
                for (String line : usage(cl, width).split("\n")) {
                    assertThat(line.length()).as(cl.getCommandSpec().qualifiedName() + " at " + width + ": " + line)
                            .isLessThanOrEqualTo(width);
                }
            }
        }
    }

    @Test
    void everyCommandSummaryIsOneWholeSentence() {
        for (CommandLine cl : all(tree()).subList(1, all(tree()).size())) { // the root is in no command list
            if (cl.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own
            }
            String[] d = cl.getCommandSpec().usageMessage().description();
            String name = cl.getCommandSpec().qualifiedName();
            assertThat(d).as(name).isNotEmpty();
            assertThat(d[0]).as(name + ": the summary the command list shows").endsWith(".").doesNotContain("\n");
            assertThat(d[0].length()).as(name + ": summary fits the command list at 80 columns").isLessThanOrEqualTo(80 - 24);
        }
    }

    @Test
    void everyHelpExitsZero() {
        for (CommandLine cl : all(tree())) {
            List<String> args = new ArrayList<>(List.of(cl.getCommandSpec().qualifiedName().split(" ")));
            args.remove(0);
            if (cl.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            args.add("--help");
            Cli r = Cli.run(Path.of("."), args.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: bulwark");
        }
    }

    @Test
    void formatIsAOneLineUsageErrorNamingBothNewOptions() {
        for (String[] args : new String[][]{{"status", "--format", "json"}, {"lint", "--format", "json"}, {"migrate", "--format"}}) {
            Cli r = Cli.run(Path.of("."), args);
            assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines().findFirst().orElse("")).contains("-o/--output").contains("--migration-format");
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void readOnlyCommandsTakeNoTimeoutOptions() {
        CommandLine root = tree();
        for (String name : List.of("status", "history", "check", "verify", "snapshots")) {
            assertThat(root.getSubcommands().get(name).getCommandSpec().findOption("--lock-timeout")).as(name).isNull();
        }
        for (String name : List.of("migrate", "rollback", "test", "deploy")) {
            assertThat(root.getSubcommands().get(name).getCommandSpec().findOption("--lock-timeout")).as(name).isNotNull();
        }
    }

    @Test
    void completionScriptsCompleteCommandsAndOptions() {
        Cli bash = Cli.run(Path.of("."), "completion", "bash");
        assertThat(bash.exit()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("--migration-format").contains("lint").doesNotContain(" --format ");
        Cli zsh = Cli.run(Path.of("."), "completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit");
        Cli fish = Cli.run(Path.of("."), "completion", "fish");
        assertThat(fish.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(fish.err()).contains("use bash or zsh");
    }
}
