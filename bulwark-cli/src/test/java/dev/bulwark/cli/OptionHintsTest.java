package dev.bulwark.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error hints and help name options that exist: every {@code --option} in a string of the main
 * code of bulwark-core, bulwark-embedded and bulwark-cli is a visible option of some command (a hidden one, such as the
 * refused {@code --format}, does not count), and where the string names the command
 * ({@code `bulwark lint --fix`}), an option of that command. Options of other tools (pg_dump,
 * prisma, alembic, docker, …) are allowed where the string or its file names the tool.
 */
class OptionHintsTest {
    private static final Path[] SOURCES = {
            Path.of("..", "bulwark-core", "src", "main", "java"), Path.of("..", "bulwark-embedded", "src", "main", "java"),
            Path.of("src", "main", "java")};
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    private static final Pattern ARGUMENT = Pattern.compile("--[a-z][a-z0-9-]*=?");
    /** Options named on purpose though no command shows them: the refusal of the hidden --format says what was typed. */
    private static final Map<String, String> REFUSED = Map.of("--format", "BulwarkCommand.java");
    private static final Pattern NAMED = Pattern.compile("bulwark ([a-z]+(?: [a-z]+)?)((?: [^`'\"]*)?)");
    /** Other tools' options, allowed in a string that names the tool (or in the files that run it). */
    private static final Map<String, Set<String>> OTHER_TOOLS = Map.of(
            "pg_dump", Set.of("--format", "--no-owner", "--no-privileges", "--section", "--exclude-table", "--dbname",
                    "--snapshot", "--file", "--jobs", "--compress", "--schema-only", "--data-only", "--table", "--version"),
            "pg_restore", Set.of("--format", "--dbname", "--exit-on-error", "--no-password", "--jobs", "--no-owner", "--list"),
            "initdb", Set.of("--no-locale"),
            "container", Set.of("--security-opt"),
            "prisma", Set.of("--from-migrations", "--to-schema-datamodel", "--script", "--applied", "--rolled-back"),
            "alembic", Set.of("--sql"),
            "drizzle", Set.of("--custom"),
            "git", Set.of("--cached"),
            // formatted SQL's comment markers, not options
            "liquibase", Set.of("--liquibase", "--changeset", "--ignore", "--rollback", "--precondition", "--comment"));
    /** Files that run another tool, so their strings are that tool's command lines. */
    private static final Map<String, String> TOOL_FILES = Map.of(
            "PgDump.java", "pg_dump", "Backups.java", "pg_dump", "PgCtl.java", "initdb", "PgTools.java", "pg_dump",
            "LiquibaseSql.java", "liquibase", "LiquibaseReader.java", "liquibase");

    private static Map<String, Set<String>> visibleOptions() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        collect(HelpSnapshotTest.tree(), out);
        return out;
    }

    private static void collect(CommandLine cl, Map<String, Set<String>> out) {
        String path = cl.getCommandSpec().qualifiedName(" ").replaceFirst("^bulwark ?", "");
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (!o.hidden()) {
                for (String name : o.names()) {
                    names.add(name);
                    if (o.negatable() && name.startsWith("--")) {
                        // picocli accepts --no-x for a negatable --x (and --x for --no-x)
                        names.add(name.startsWith("--no-") ? "--" + name.substring(5) : "--no-" + name.substring(2));
                    }
                }
            }
        }
        out.put(path, names);
        for (CommandLine sub : cl.getSubcommands().values()) {
            collect(sub, out);
        }
    }

    private record Hint(Path file, String literal) {
    }

    private static List<Hint> literals() throws IOException {
        List<Hint> out = new ArrayList<>();
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = LITERAL.matcher(Files.readString(f));
                    while (m.find()) {
                        // a literal that is only an option is an argument built for a command line or an
                        // option's own name, not a hint
                        if (!ARGUMENT.matcher(m.group(1)).matches() && OPTION.matcher(m.group(1)).find()) {
                            out.add(new Hint(f, m.group(1)));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean otherTool(Hint h, String option) {
        String tool = TOOL_FILES.get(h.file().getFileName().toString());
        if (tool != null && OTHER_TOOLS.get(tool).contains(option)) {
            return true;
        }
        return OTHER_TOOLS.entrySet().stream().anyMatch(e -> h.literal().contains(e.getKey()) && e.getValue().contains(option));
    }

    @Test
    void everyOptionNamedInAMessageIsAVisibleOptionOfSomeCommand() throws IOException {
        Map<String, Set<String>> commands = visibleOptions();
        Set<String> all = new HashSet<>();
        commands.values().forEach(all::addAll);
        List<String> unknown = new ArrayList<>();
        List<Hint> hints = literals();
        for (Hint h : hints) {
            Matcher m = OPTION.matcher(h.literal());
            while (m.find()) {
                boolean refused = h.file().getFileName().toString().equals(REFUSED.get(m.group()));
                if (!all.contains(m.group()) && !otherTool(h, m.group()) && !refused) {
                    unknown.add(h.file().getFileName() + ": " + m.group() + " in \"" + h.literal() + "\"");
                }
            }
        }
        assertThat(hints).as("the scan finds the hints").hasSizeGreaterThan(50);
        assertThat(unknown).as("options no command has (or only hidden)").isEmpty();
    }

    @Test
    void anOptionNamedAfterABulwarkCommandIsAnOptionOfThatCommand() throws IOException {
        Map<String, Set<String>> commands = visibleOptions();
        List<String> wrong = new ArrayList<>();
        for (Hint h : literals()) {
            Matcher named = NAMED.matcher(h.literal());
            while (named.find()) {
                String command = named.group(1);
                if (!commands.containsKey(command)) {
                    command = command.split(" ")[0];
                }
                Set<String> options = commands.get(command);
                if (options == null) {
                    continue; // "bulwark reads …": prose, not a command line
                }
                Matcher m = OPTION.matcher(named.group(2));
                while (m.find()) {
                    if (!options.contains(m.group())) {
                        wrong.add(h.file().getFileName() + ": `bulwark " + command + "` has no " + m.group() + " (\"" + h.literal() + "\")");
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theScanWouldCatchAStaleHint() {
        Map<String, Set<String>> commands = visibleOptions();

        assertThat(commands.get("lint")).contains("--migration-format", "--fix").doesNotContain("--dir", "--format");
        assertThat(commands.get("migrate")).contains("--dir", "--out-of-order");
        Matcher named = NAMED.matcher("run `bulwark lint --dir db`");
        assertThat(named.find()).isTrue();
        assertThat(named.group(1)).isEqualTo("lint");
        assertThat(named.group(2)).contains("--dir");
    }
}
