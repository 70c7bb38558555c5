package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.Finding;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Rule;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.recognize.Recognized;

/**
 * A statement lint could not read: nothing else checked it, so it is reported rather than
 * skipped. See docs/rules/unreadable-statement.md.
 */
public final class UnreadableStatementRule extends Rule {
    public static final String ID = "unreadable-statement";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a statement lint could not read, so no rule checked it";
    }

    @Override
    public String help() {
        return "check the statement is PostgreSQL (it may be another dialect or a typo); if it is, review it by hand and report it";
    }

    @Override
    public void check(MigrationContext ctx) {
        for (Analyzed s : ctx.statements()) {
            if (s.what() instanceof Recognized.Unreadable u && u.failure() == null) {
                ctx.report(s, "lint cannot read this statement: " + u.reason() + "; no rule checked it", null);
            }
        }
        // The up's split error is empty-migration's; the down's is reported here.
        if (ctx.part() == Finding.Part.DOWN && ctx.parseError() != null) {
            ctx.reportAt(Math.max(1, ctx.parseError().line()), Math.max(1, ctx.parseError().column()), 1,
                    "lint cannot split the down into statements: " + ctx.parseError().getMessage() + "; no rule checked it", null);
        }
    }
}
