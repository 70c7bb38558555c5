package dev.bulwark.api;

import java.util.List;

/**
 * What {@link Bulwark#verify} found.
 *
 * @param database the database checked, password masked
 * @param tables   tables checked
 */
public record VerifyReport(String database, int tables, List<VerifyIssue> issues) {
    public VerifyReport {
        issues = List.copyOf(issues);
    }

    public boolean clean() {
        return issues.isEmpty();
    }
}
