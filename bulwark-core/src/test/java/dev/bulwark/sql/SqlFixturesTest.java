package dev.bulwark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the splitter over every script under {@code src/test/resources/sql}, as squawk does:
 *
 * <ul>
 *   <li>{@code sql/ok/NAME.sql} must split; {@code NAME.expected} lists one
 *       {@code line:column: text} line per statement, the text
 *       whole when short, else its first 40 and last 20 characters around {@code " … "}
 *       (backslashes doubled, newlines and tabs shown as {@code \n}, {@code \r}, {@code \t});
 *       an empty file means no statements.</li>
 *   <li>{@code sql/err/NAME.sql} must be refused; {@code NAME.expected} is one line
 *       {@code line:column: text the message must contain}.</li>
 * </ul>
 *
 * Run with {@code -Dbulwark.updateFixtures=true} to rewrite the {@code .expected} files from
 * the current behaviour, then review the diff.
 */
class SqlFixturesTest {
    private static final int HEAD = 40;
    private static final int TAIL = 20;
    private static final boolean UPDATE = Boolean.getBoolean("bulwark.updateFixtures");

    @TestFactory
    Stream<DynamicTest> scriptsUnderOkSplitIntoTheExpectedStatements() {
        return scripts("ok").map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            List<Statement> statements = SqlSplitter.split(read(script), script.getFileName().toString(), 1);
            String actual = statements.stream()
                    .map(s -> s.line() + ":" + s.column() + ": " + preview(s.sql()))
                    .collect(Collectors.joining("\n"));
            check(script, actual);
        }));
    }

    @TestFactory
    Stream<DynamicTest> scriptsUnderErrAreRefusedAtTheExpectedPosition() {
        return scripts("err").map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            String name = script.getFileName().toString();
            SqlSyntaxException refusal = null;
            try {
                SqlSplitter.split(read(script), name, 1);
            } catch (SqlSyntaxException e) {
                refusal = e;
            }
            if (refusal == null) {
                fail(name + " split without an error");
            }
            String prefix = name + ":" + refusal.line() + ":" + refusal.column() + ": ";
            assertThat(refusal.getMessage()).startsWith(prefix);
            assertThat(refusal.fix()).as("fix for " + name).isNotBlank();
            String problem = refusal.getMessage().substring(prefix.length());
            if (UPDATE) {
                write(expectedFile(script), refusal.line() + ":" + refusal.column() + ": " + problem + "\n");
                return;
            }
            String expected = read(expectedFile(script)).strip();
            int second = expected.indexOf(':', expected.indexOf(':') + 1);
            assertThat(refusal.line() + ":" + refusal.column()).as("position in " + name)
                    .isEqualTo(expected.substring(0, second));
            assertThat(problem).as("message for " + name).contains(expected.substring(second + 1).strip());
        }));
    }

    @Test
    void bothFixtureDirectoriesHoldScriptsWithExpectations() {
        assertThat(scripts("ok").count()).isGreaterThanOrEqualTo(10);
        assertThat(scripts("err").count()).isGreaterThanOrEqualTo(10);
        Stream.concat(scripts("ok"), scripts("err"))
                .forEach(script -> assertThat(expectedFile(script)).as("expectation for " + script).exists());
    }

    private static void check(Path script, String actual) {
        if (UPDATE) {
            write(expectedFile(script), actual.isEmpty() ? "" : actual + "\n");
            return;
        }
        String expected = read(expectedFile(script)).replace("\r\n", "\n");
        if (expected.endsWith("\n")) {
            expected = expected.substring(0, expected.length() - 1);
        }
        assertThat(actual).as("statements of " + script.getFileName()).isEqualTo(expected);
    }

    /* Start and end of a statement: where it was cut matters as much as where it begins. */
    static String preview(String sql) {
        if (sql.length() <= HEAD + TAIL) {
            return escape(sql);
        }
        return escape(sql.substring(0, HEAD)) + " … " + escape(sql.substring(sql.length() - TAIL));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static Stream<Path> scripts(String kind) {
        Path dir = resourceDir(kind);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted()
                    .collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resourceDir(String kind) {
        URL url = SqlFixturesTest.class.getResource("/sql/" + kind);
        assertThat(url).as("test resource directory sql/" + kind).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /* When updating, write to the source tree (Maven runs tests from the module directory). */
    private static Path expectedFile(Path script) {
        String name = script.getFileName().toString().replaceFirst("\\.sql$", ".expected");
        if (UPDATE) {
            return Path.of("src/test/resources/sql", script.getParent().getFileName().toString(), name);
        }
        return script.resolveSibling(name);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
