package dev.bulwark.api;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What {@link Bulwark#lint()} found, with the project's failure threshold. */
public final class LintReport {
    private final List<LintIssue> issues;
    private final Severity failOn;
    private final int migrations;
    private final Map<LintFormat, String> rendered;

    LintReport(List<LintIssue> issues, Severity failOn, int migrations, Map<LintFormat, String> rendered) {
        this.issues = List.copyOf(issues);
        this.failOn = failOn;
        this.migrations = migrations;
        this.rendered = new EnumMap<>(rendered);
    }

    public List<LintIssue> issues() {
        return issues;
    }

    /** The threshold from the configuration ({@code [lint] fail_on} or {@link FluentConfiguration#lintFailOn}). */
    public Severity failOn() {
        return failOn;
    }

    /** Migrations linted. */
    public int migrations() {
        return migrations;
    }

    /** True when a finding is at or above {@link #failOn()}. */
    public boolean failed() {
        return failsAt(failOn);
    }

    public boolean failsAt(Severity threshold) {
        return issues.stream().anyMatch(i -> i.severity().atLeast(threshold));
    }

    public long count(Severity severity) {
        return issues.stream().filter(i -> i.severity() == severity).count();
    }

    /** The report in {@code format}, as {@code bulwark lint --format} writes it. */
    public String render(LintFormat format) {
        return rendered.get(format);
    }

    @Override
    public String toString() {
        return "LintReport[" + issues.size() + " findings, failOn=" + failOn + "]";
    }
}
