package dev.bulwark.migration;

import java.nio.file.Path;
import java.util.function.Consumer;

/** A Liquibase XML or YAML master changelog and what it includes. */
final class LiquibaseChangelog {
    private final Path dir;
    private final Consumer<LayoutProblem> problems;

    LiquibaseChangelog(Path dir, Consumer<LayoutProblem> problems) {
        this.dir = dir;
        this.problems = problems;
    }

    void read(Path master, Consumer<Migration> out) {
        problems.accept(LayoutProblem.layout(master, "is an XML or YAML changelog, which Bulwark does not read yet",
                "apply it with Liquibase"));
    }
}
