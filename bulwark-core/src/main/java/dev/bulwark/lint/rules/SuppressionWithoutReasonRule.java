package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;

/** A bulwark:ignore without a reason. See docs/rules/suppression-without-reason.md. */
public final class SuppressionWithoutReasonRule extends Rule {
    @Override
    public String id() {
        return "suppression-without-reason";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a bulwark:ignore without a reason";
    }

    @Override
    public String help() {
        return "write -- bulwark:ignore <rule-id> <why it is safe here>";
    }

    /* Reported by the Linter while it applies suppressions; the class carries id, docs and severity. */

}
