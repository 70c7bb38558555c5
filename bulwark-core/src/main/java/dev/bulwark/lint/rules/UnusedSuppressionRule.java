package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;

/** A bulwark:ignore that silences nothing. See docs/rules/unused-suppression.md. */
public final class UnusedSuppressionRule extends Rule {
    @Override
    public String id() {
        return "unused-suppression";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a bulwark:ignore that silences nothing";
    }

    @Override
    public String help() {
        return "remove the directive, or fix the rule id it names";
    }

    /* Reported by the Linter while it applies suppressions; the class carries id, docs and severity. */

}
