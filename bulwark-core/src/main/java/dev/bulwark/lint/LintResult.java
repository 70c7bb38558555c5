package dev.bulwark.lint;

import dev.bulwark.migration.MigrationSet;

import java.util.List;

/**
 * The outcome of a lint run: every finding in file and line order, and what was linted.
 *
 * @param rules the rules that ran (for SARIF's rule table)
 */
public record LintResult(MigrationSet set, List<Finding> findings, List<Rule> rules) {
    public LintResult {
        findings = findings.stream().sorted(Finding.ORDER).toList();
        rules = List.copyOf(rules);
    }

    public boolean failsAt(Severity threshold) {
        return findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
    }

    public long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    /** Findings of one rule (the summary counts unreadable statements and analysis errors apart). */
    public long count(String ruleId) {
        return findings.stream().filter(f -> f.ruleId().equals(ruleId)).count();
    }

    /** Findings in downs. */
    public long inDowns() {
        return findings.stream().filter(f -> f.part() == Finding.Part.DOWN).count();
    }
}
