package dev.bulwark.cli;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.RuleRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation against the code: the per-command pages (docs/commands/) carry each command's help as the code
 * builds it, docs/rules.md lists the registry's rules, rule counts in prose are the registry's, and every
 * {@code bulwark <command> --option} written in README.md or docs/ names an option that command has.
 * {@code -Ddocs.update=true} rewrites the generated pages.
 */
class DocsDriftTest {
    static final Path REPO = Path.of("..");
    static final Path DOCS = REPO.resolve("docs");
    static final int WIDTH = 100;

    static String commandPage(CommandLine cl) {
        String name = cl.getCommandSpec().qualifiedName();
        String[] d = cl.getCommandSpec().usageMessage().description();
        return "# " + name + "\n\n" + d[0] + "\n\nGenerated from the code by DocsDriftTest (`-Ddocs.update=true`);"
                + " the topic pages in [docs/](../README.md) say more.\n\n```\n" + HelpSnapshotTest.usage(cl, WIDTH) + "```\n";
    }

    static String rulesPage() {
        StringBuilder b = new StringBuilder("# Lint rules\n\n`bulwark lint` runs " + RuleRegistry.all().size()
                + " rules (`bulwark lint --list-rules`). Each has a page: what it finds, why it hurts, the safe rewrite."
                + " Severities are defaults; `[lint.rules] <id> = \"error\"` (or `\"off\"`) in bulwark.toml changes them."
                + " Generated from the rule registry by DocsDriftTest.\n\n| rule | default | finds |\n|---|---|---|\n");
        for (Rule r : RuleRegistry.all()) {
            b.append("| [`").append(r.id()).append("`](rules/").append(r.id()).append(".md) | ").append(r.defaultSeverity().label())
                    .append(" | ").append(r.summary().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    static List<CommandLine> commands() {
        List<CommandLine> all = HelpSnapshotTest.all(HelpSnapshotTest.tree());
        return all.subList(1, all.size()).stream()
                .filter(c -> !(c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand)).toList();
    }

    static Path pageOf(CommandLine cl) {
        return DOCS.resolve("commands").resolve(cl.getCommandSpec().qualifiedName("-").replaceFirst("^bulwark-", "") + ".md");
    }

    @Test
    void everyCommandHasAPageWithItsCurrentHelp() throws IOException {
        boolean update = Boolean.getBoolean("docs.update");
        List<String> stale = new ArrayList<>();
        for (CommandLine cl : commands()) {
            Path page = pageOf(cl);
            String text = commandPage(cl);
            if (update) {
                Files.createDirectories(page.getParent());
                Files.writeString(page, text, StandardCharsets.UTF_8);
            } else if (!Files.isRegularFile(page) || !Files.readString(page).equals(text)) {
                stale.add(page.toString());
            }
        }
        assertThat(stale).as("command pages out of date (rerun with -Ddocs.update=true)").isEmpty();
    }

    @Test
    void theRulesIndexListsEveryRuleOfTheRegistryAndEachHasAPage() throws IOException {
        Path index = DOCS.resolve("rules.md");
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(index, rulesPage(), StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(index)).isEqualTo(rulesPage());
        for (Rule r : RuleRegistry.all()) {
            assertThat(DOCS.resolve("rules").resolve(r.id() + ".md")).as(r.id()).isRegularFile();
        }
        try (Stream<Path> pages = Files.list(DOCS.resolve("rules"))) {
            // plus analysis-error: lint's own finding when it fails on a statement, not a rule of the registry
            assertThat(pages.count()).as("a page per rule, no page of a rule that is gone").isEqualTo(RuleRegistry.all().size() + 1);
            assertThat(DOCS.resolve("rules").resolve(dev.bulwark.lint.AnalysisError.ID + ".md")).isRegularFile();
        }
    }

    @Test
    void ruleCountsInProseAreTheRegistrys() throws IOException {
        Pattern count = Pattern.compile("(\\d+) (?:lint )?rules\\b");
        for (Path doc : prose()) {
            Matcher m = count.matcher(Files.readString(doc));
            while (m.find()) {
                assertThat(Integer.parseInt(m.group(1))).as(doc + ": " + m.group()).isEqualTo(RuleRegistry.all().size());
            }
        }
    }

    @Test
    void everyOptionWrittenAfterABulwarkCommandExistsOnThatCommand() throws IOException {
        CommandLine root = HelpSnapshotTest.tree();
        Pattern invocation = Pattern.compile("(?:^|[`\\s(])(?:\\./)?bulwark((?:\\s+[^\\s`|;&#)]+)+)");
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Path doc : prose()) {
            for (String line : Files.readAllLines(doc)) {
                Matcher m = invocation.matcher(line);
                while (m.find()) {
                    CommandLine cl = root;
                    for (String token : m.group(1).trim().split("\\s+")) {
                        if (cl.getSubcommands().containsKey(token)) {
                            cl = cl.getSubcommands().get(token);
                        } else if (token.startsWith("--") && token.length() > 2) {
                            String name = token.replaceAll("[=,.:)\\]].*$", "");
                            checked++;
                            if (cl.getCommandSpec().findOption(name) == null
                                    && !(name.startsWith("--no-") && cl.getCommandSpec().findOption("--" + name.substring(5)) != null)) {
                                unknown.add(doc.getFileName() + ": " + cl.getCommandSpec().qualifiedName() + " " + name + "   in: " + line.trim());
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).as("the docs show options at all").isGreaterThan(15);
        assertThat(unknown).as("options the docs name that the command does not have").isEmpty();
    }

    @Test
    void everyOptionInInlineCodeIsAnOptionOfSomeCommand() throws IOException {
        java.util.Set<String> known = new java.util.HashSet<>();
        for (CommandLine cl : HelpSnapshotTest.all(HelpSnapshotTest.tree())) {
            cl.getCommandSpec().options().forEach(o -> known.addAll(List.of(o.names())));
        }
        known.remove("--format"); // hidden: it only answers with the two new names
        Pattern code = Pattern.compile("`([^`\n]+)`");
        Pattern option = Pattern.compile("(?<![\\w-])(--[a-z][a-z0-9-]*)");
        // other programs' options, written as such
        Pattern otherTool = Pattern.compile("^(pg_dump|pg_restore|psql|alembic|prisma|npx|drizzle-kit|flyway|dbmate|migrate|mvn)\\b");
        // Liquibase's formatted-SQL comment markers and its own CLI option, named as such in formats.md
        java.util.Set<String> liquibase = java.util.Set.of("--liquibase", "--changeset", "--rollback", "--precondition-",
                "--comment", "--contexts");
        List<String> unknown = new ArrayList<>();
        for (Path doc : prose()) {
            boolean formats = doc.getFileName().toString().equals("formats.md");
            Matcher c = code.matcher(Files.readString(doc));
            while (c.find()) {
                if (otherTool.matcher(c.group(1)).find()) {
                    continue;
                }
                // a quoted part is another program's command line (--render-cmd "alembic upgrade head --sql")
                Matcher o = option.matcher(c.group(1).replaceAll("\"[^\"]*\"", ""));
                while (o.find()) {
                    String name = o.group(1);
                    boolean negated = name.startsWith("--no-") && known.contains("--" + name.substring(5));
                    boolean refusedFormat = name.equals("--format") && doc.getFileName().toString().equals("commands.md");
                    if (!known.contains(name) && !negated && !refusedFormat && !(formats && liquibase.contains(name))) {
                        unknown.add(doc.getFileName() + ": " + name + " in `" + c.group(1) + "`");
                    }
                }
            }
        }
        assertThat(unknown).as("options written in the docs that no command has").isEmpty();
    }

    @Test
    void theReadmeStaysShortAndStartsWithTheTwoCommands() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        assertThat(readme.getBytes(StandardCharsets.UTF_8).length).isLessThan(12 * 1024);
        String head = String.join("\n", readme.lines().limit(40).toList());
        assertThat(head).contains("./bulwark migrate").contains("mvn -B verify");
        Matcher link = Pattern.compile("\\]\\(((?:docs/)[^)#]+)").matcher(readme);
        while (link.find()) {
            assertThat(REPO.resolve(link.group(1))).as("README links to " + link.group(1)).exists();
        }
    }

    static List<Path> prose() throws IOException {
        List<Path> files = new ArrayList<>(List.of(REPO.resolve("README.md")));
        try (Stream<Path> s = Files.list(DOCS)) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }
}
