package dev.bulwark.lint;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RuleRegistryTest {
    private static final Path DOCS = Path.of("..").resolve("docs").resolve("rules");

    @Test
    void everyRuleHasAKebabIdHelpDocsPageAndFixtures() throws Exception {
        Set<String> ids = new HashSet<>();
        for (Rule r : RuleRegistry.all()) {
            assertThat(r.id()).as("id").matches("[a-z]+(-[a-z]+)*");
            assertThat(ids.add(r.id())).as("unique id " + r.id()).isTrue();
            assertThat(r.help()).as(r.id() + " help").isNotBlank();
            assertThat(r.summary()).as(r.id() + " summary").isNotBlank();
            assertThat(r.getClass().getSimpleName()).isEqualTo(
                    java.util.Arrays.stream(r.id().split("-")).map(p -> Character.toUpperCase(p.charAt(0)) + p.substring(1))
                            .reduce("", String::concat) + "Rule");
            Path doc = DOCS.resolve(r.id() + ".md");
            assertThat(doc).as("docs page of " + r.id()).exists();
            String text = Files.readString(doc);
            assertThat(text).as(r.id() + " docs").contains("## Problem").contains("## Solution").contains("Instead of");
            Path fixtures = RuleFixturesTest.FIXTURES.resolve(r.id());
            assertThat(fixtures.resolve("fire.txt")).as("must-fire fixture of " + r.id()).exists();
            assertThat(fixtures.resolve("ok.txt")).as("must-not-fire fixture of " + r.id()).exists();
        }
    }
}
