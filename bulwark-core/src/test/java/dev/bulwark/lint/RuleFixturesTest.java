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
 * {@code ok.txt} none of that rule. A missing {@code fire.expected} fails the test: a deleted
 * expectation must never pass silently.
 *
 * <p>Regenerating the expectations is a separate, explicit action: run
 * {@code mvn -pl bulwark-core test -Dtest=RuleFixturesTest -Dbulwark.fixtures.update=true}, which
 * (re)writes every {@code fire.expected} from the current findings, then review the diff with
 * {@code git diff src/test/resources/lint} before committing. Without that property the test
 * never writes a file.
 */
class RuleFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/lint");
    /** The system property that makes this test rewrite the expectation files instead of checking them. */
    static final String UPDATE_PROPERTY = "bulwark.fixtures.update";
    private static final boolean UPDATE = Boolean.getBoolean(UPDATE_PROPERTY);

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
                if (UPDATE) {
                    Files.writeString(expected, actual);
                }
                assertThat(mine).as("findings of " + rule.id()).isNotEmpty();
                assertThat(expected).as("expectation file of " + rule.id() + " (regenerate explicitly with -D"
                        + UPDATE_PROPERTY + "=true, then review the diff)").exists();
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
