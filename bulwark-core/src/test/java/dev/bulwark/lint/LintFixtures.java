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
        return Linter.standard(options).lint(MigrationSources.readLenient(migrations, null), project);
    }

    /**
     * Options for a fixture: defaults, plus the target's state of each migration when the fixture
     * has a {@code history.txt} of {@code <version> <STATE>} lines (what --url reads from a database),
     * and the tables the target subscribes to when it has a {@code subscribed.txt}, one per line.
     */
    static LintOptions options(Path project) {
        LintOptions options = historyOptions(project);
        Path subscribed = project.resolve("subscribed.txt");
        if (Files.exists(subscribed)) {
            try {
                options = options.withSubscribedTables(Files.readAllLines(subscribed).stream().map(String::trim)
                        .filter(l -> !l.isEmpty()).collect(Collectors.toSet()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return options;
    }

    private static LintOptions historyOptions(Path project) {
        Path history = project.resolve("history.txt");
        if (!Files.exists(history)) {
            return LintOptions.defaults();
        }
        try {
            java.util.Map<String, dev.bulwark.migration.Migration> byId = new java.util.HashMap<>();
            MigrationSources.read(project.resolve("migrations"), null).migrations().forEach(m -> byId.put(m.id(), m));
            List<dev.bulwark.plan.MigrationStatus> statuses = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(history)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] p = line.trim().split("\\s+");
                statuses.add(new dev.bulwark.plan.MigrationStatus(p[0], p[0], dev.bulwark.plan.MigrationState.valueOf(p[1]),
                        byId.get(p[0]), null, "bulwark_history", null));
            }
            return LintOptions.defaults().withHistory(statuses);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Findings rendered one per line, paths relative to the project: the snapshot format. */
    static String render(List<Finding> findings, Path project) {
        return findings.stream()
                .map(f -> project.relativize(f.file().toAbsolutePath()) + ":" + f.line() + ":" + f.column() + " "
                        + f.severity().label() + "[" + f.ruleId() + "] " + f.message() + "\n    help: " + f.help())
                .collect(Collectors.joining("\n")) + "\n";
    }
}
