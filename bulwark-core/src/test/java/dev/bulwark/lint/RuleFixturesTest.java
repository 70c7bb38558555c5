package dev.bulwark.lint;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshot tests of every rule: {@code src/test/resources/lint/<rule-id>/fire.txt} must produce
 * exactly the findings of {@code fire.expected} for that rule (message and help as rendered), and
 * {@code ok.txt} none of that rule. Run with {@code -Dbulwark.updateSnapshots=true} to rewrite the
 * expected files after a deliberate change, then review the diff.
 */
class RuleFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/lint");

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> everyRuleFiresOnItsFixtureAndStaysQuietOnTheSafeForm() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Rule rule : RuleRegistry.all()) {
            Path dir = FIXTURES.resolve(rule.id());
            tests.add(DynamicTest.dynamicTest(rule.id() + " fires", () -> {
                Path project = Files.createTempDirectory(tmp, rule.id() + "-fire");
                LintFixtures.write(Files.readString(dir.resolve("fire.txt")), project);
                List<Finding> mine = LintFixtures.lint(project, LintFixtures.options(project)).findings().stream()
                        .filter(f -> f.ruleId().equals(rule.id())).toList();
                String actual = LintFixtures.render(mine, project);
                Path expected = dir.resolve("fire.expected");
                if (Boolean.getBoolean("bulwark.updateSnapshots") || !Files.exists(expected)) {
                    Files.writeString(expected, actual);
                }
                assertThat(mine).as("findings of " + rule.id()).isNotEmpty();
                assertThat(actual).isEqualTo(Files.readString(expected));
            }));
            tests.add(DynamicTest.dynamicTest(rule.id() + " stays quiet", () -> {
                Path project = Files.createTempDirectory(tmp, rule.id() + "-ok");
                LintFixtures.write(Files.readString(dir.resolve("ok.txt")), project);
                List<Finding> mine = LintFixtures.lint(project, LintFixtures.options(project)).findings().stream()
                        .filter(f -> f.ruleId().equals(rule.id())).toList();
                assertThat(LintFixtures.render(mine, project)).isEqualTo("\n");
            }));
        }
        return tests;
    }
}
