package dev.bulwark.lint;

import dev.bulwark.migration.MigrationSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a rule sees of the whole migration directory and project. */
public final class SetContext {
    private final MigrationSet set;
    private final Path projectDir;
    private final List<MigrationContext> migrations;
    private final LintOptions options;
    final List<Finding> findings = new ArrayList<>();
    Rule rule;
    Severity severity;

    SetContext(MigrationSet set, Path projectDir, List<MigrationContext> migrations, LintOptions options) {
        this.set = set;
        this.projectDir = projectDir;
        this.migrations = migrations;
        this.options = options;
    }

    public MigrationSet set() {
        return set;
    }

    /** The project folder (holds bulwark.toml, alembic.ini, .env, …); the migrations folder when there is none. */
    public Path projectDir() {
        return projectDir;
    }

    public List<MigrationContext> migrations() {
        return migrations;
    }

    public LintOptions options() {
        return options;
    }

    /**
     * Reports a finding about a file.
     *
     * @param migration the migration's id, or null for a file that is not a migration
     */
    public void report(Path file, int line, int column, int length, String message, String help, String migration) {
        findings.add(new Finding(rule.id(), severity, file, Math.max(1, line), Math.max(1, column), Math.max(1, length),
                message, help == null ? rule.help() : help, migration));
    }

    /**
     * Like {@link #report(Path, int, int, int, String, String, String)}, for a finding the rule knows
     * to be in {@code part}: a file holding both parts with the same first line (Alembic's upgrade()
     * and downgrade(), a Liquibase rollback) does not tell it by the line.
     */
    public void report(Path file, int line, int column, int length, String message, String help, String migration, Finding.Part part) {
        findings.add(new Finding(rule.id(), severity, file, Math.max(1, line), Math.max(1, column), Math.max(1, length),
                message, help == null ? rule.help() : help, migration).withPart(part));
    }

    /**
     * Reports a note that is never worse than {@code at most}: an information that belongs to the
     * rule but is not its hazard (e.g. "these operations could not be read"). A severity the user
     * configured lower than that is kept.
     */
    public void reportAtMost(Severity atMost, Path file, int line, int column, int length, String message, String help,
                             String migration) {
        Severity s = severity.atLeast(atMost) ? atMost : severity;
        findings.add(new Finding(rule.id(), s, file, Math.max(1, line), Math.max(1, column), Math.max(1, length),
                message, help == null ? rule.help() : help, migration));
    }
}
