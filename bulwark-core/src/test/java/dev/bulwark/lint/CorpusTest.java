package dev.bulwark.lint;

import dev.bulwark.sql.SqlSplitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The labelled corpus: {@code src/test/resources/corpus/*.txt}, each a small project in the
 * fixture format ({@code -- file: <path>} starts each file, see {@link LintFixtures}) whose
 * migration files are realistic steps of a project's history (Rails-, Django-, Prisma-,
 * golang-migrate- and Flyway-style DDL, backfills, indexes, foreign keys, enums, partitions).
 *
 * <p>Every migration file carries its label on a line of its own: {@code -- expect: rule-a, rule-b}
 * (the rule ids lint must report in that file, each once or more) or {@code -- expect: none}.
 * The test lints each project as a whole, compares the rule ids reported per file with the label,
 * prints precision and recall per rule and overall, and fails below 0.95 precision or 0.90
 * recall. A false positive or a miss fixed in a rule gets a case here.
 */
class CorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus");
    private static final Pattern EXPECT = Pattern.compile("(?m)^--\\s*expect:\\s*(.*)$");

    @TempDir
    Path tmp;

    @Test
    void lintAgreesWithTheLabelsOfTheCorpus() throws IOException {
        Map<String, int[]> perRule = new TreeMap<>(); // rule → {tp, fp, fn}
        List<String> disagreements = new ArrayList<>();
        int statements = 0;
        int files = 0;
        List<Path> projects;
        try (Stream<Path> s = Files.list(CORPUS)) {
            projects = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(projects).as("corpus projects").isNotEmpty();
        for (Path fixture : projects) {
            String name = fixture.getFileName().toString().replace(".txt", "");
            Path project = Files.createDirectories(tmp.resolve(name));
            LintFixtures.write(Files.readString(fixture), project);
            Map<String, Set<String>> expected = labels(project);
            assertThat(expected).as("labelled migration files of " + name).isNotEmpty();
            Map<String, Set<String>> actual = new HashMap<>();
            for (Finding f : LintFixtures.lint(project, LintFixtures.options(project)).findings()) {
                String file = project.relativize(f.file().toAbsolutePath()).toString();
                actual.computeIfAbsent(file, k -> new TreeSet<>()).add(f.ruleId());
            }
            for (String file : actual.keySet()) {
                if (!expected.containsKey(file)) {
                    for (String rule : actual.get(file)) {
                        perRule.computeIfAbsent(rule, k -> new int[3])[1]++;
                        disagreements.add(name + "/" + file + ": unexpected " + rule + " (file has no label)");
                    }
                }
            }
            for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
                files++;
                statements += statementCount(project.resolve(e.getKey()));
                Set<String> got = actual.getOrDefault(e.getKey(), Set.of());
                for (String rule : got) {
                    boolean ok = e.getValue().contains(rule);
                    perRule.computeIfAbsent(rule, k -> new int[3])[ok ? 0 : 1]++;
                    if (!ok) {
                        disagreements.add(name + "/" + e.getKey() + ": unexpected " + rule);
                    }
                }
                for (String rule : e.getValue()) {
                    if (!got.contains(rule)) {
                        perRule.computeIfAbsent(rule, k -> new int[3])[2]++;
                        disagreements.add(name + "/" + e.getKey() + ": missed " + rule);
                    }
                }
            }
        }
        int tp = 0;
        int fp = 0;
        int fn = 0;
        StringBuilder report = new StringBuilder(String.format("%-36s %5s %5s %5s %9s %7s%n", "rule", "tp", "fp", "fn",
                "precision", "recall"));
        for (Map.Entry<String, int[]> e : perRule.entrySet()) {
            int[] c = e.getValue();
            tp += c[0];
            fp += c[1];
            fn += c[2];
            report.append(String.format("%-36s %5d %5d %5d %9s %7s%n", e.getKey(), c[0], c[1], c[2],
                    ratio(c[0], c[0] + c[1]), ratio(c[0], c[0] + c[2])));
        }
        double precision = tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 1 : (double) tp / (tp + fn);
        report.append(String.format("%-36s %5d %5d %5d %9.3f %7.3f%n", "OVERALL", tp, fp, fn, precision, recall));
        report.append(String.format("%d projects, %d labelled migration files, %d statements%n", projects.size(), files,
                statements));
        disagreements.forEach(d -> report.append("  ").append(d).append('\n'));
        System.out.print(report);
        assertThat(statements).as("statements in the corpus").isGreaterThanOrEqualTo(300);
        assertThat(precision).as("overall precision\n" + report).isGreaterThanOrEqualTo(0.95);
        assertThat(recall).as("overall recall\n" + report).isGreaterThanOrEqualTo(0.90);
    }

    private static String ratio(int a, int b) {
        return b == 0 ? "-" : String.format("%.3f", (double) a / b);
    }

    /** The label of every migration file of the project written to {@code project}, by relative path. */
    private static Map<String, Set<String>> labels(Path project) throws IOException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        List<Path> sql;
        try (Stream<Path> s = Files.walk(project)) {
            sql = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        for (Path p : sql) {
            Matcher m = EXPECT.matcher(Files.readString(p));
            String rel = project.relativize(p).toString();
            assertThat(m.find()).as("label (-- expect: …) of corpus file " + rel).isTrue();
            String label = m.group(1).trim();
            Set<String> rules = label.equals("none") ? Set.of()
                    : Arrays.stream(label.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new));
            for (String r : rules) {
                assertThat(RuleRegistry.byId(r)).as("rule id " + r + " in the label of " + rel).isPresent();
            }
            out.put(rel, rules);
        }
        return out;
    }

    private static int statementCount(Path file) throws IOException {
        try {
            return SqlSplitter.split(Files.readString(file), file.toString(), 1).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
