package dev.bulwark.lint;

import dev.bulwark.migration.MigrationSources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Rule fixtures are one text file holding a small project: {@code -- file: <path>} lines start
 * each file (none: one Flyway file V2__change.sql after an empty V1). They are written to a temp
 * folder and linted like a real project.
 */
final class LintFixtures {
    private LintFixtures() {
    }

    static Path write(String fixture, Path dir) {
        try {
            Path migrations = dir.resolve("migrations");
            Files.createDirectories(migrations);
            if (!fixture.contains("-- file: ")) {
                fixture = "-- file: migrations/V2__change.sql\n" + fixture;
            }
            String current = null;
            StringBuilder body = new StringBuilder();
            for (String line : (fixture + "\n-- file: END\n").split("\n", -1)) {
                if (line.startsWith("-- file: ")) {
                    if (current != null) {
                        Path p = dir.resolve(current);
                        Files.createDirectories(p.getParent());
                        Files.writeString(p, body.toString());
                    }
                    current = line.substring(9).trim();
                    body.setLength(0);
                } else {
                    body.append(line).append('\n');
                }
            }
            return migrations;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LintResult lint(Path project, LintOptions options) {
        Path migrations = project.resolve("migrations");
        return Linter.standard(options).lint(MigrationSources.read(migrations, null), project);
    }

    /** Findings rendered one per line, paths relative to the project: the snapshot format. */
    static String render(List<Finding> findings, Path project) {
        return findings.stream()
                .map(f -> project.relativize(f.file().toAbsolutePath()) + ":" + f.line() + ":" + f.column() + " "
                        + f.severity().label() + "[" + f.ruleId() + "] " + f.message() + "\n    help: " + f.help())
                .collect(Collectors.joining("\n")) + "\n";
    }
}
