package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

import java.util.List;

/** A unique index or constraint on an existing table whose rows may hold duplicates. See docs/rules/unique-may-fail.md. */
public final class UniqueMayFailRule extends StatementRule {
    @Override
    public String id() {
        return "unique-may-fail";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a unique index or constraint on an existing table whose rows may hold duplicates";
    }

    @Override
    public String help() {
        return "count duplicates first (SELECT cols, count(*) … GROUP BY cols HAVING count(*) > 1), dedupe, then add it";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        String table = null;
        List<String> cols = null;
        if (s.what() instanceof Recognized.CreateIndex ci && ci.unique() && ci.table() != null) {
            table = ci.table().name();
            cols = ci.columns();
        } else if (s.what() instanceof Recognized.AlterTable at) {
            for (Recognized.Action a : at.actions()) {
                if (a instanceof Recognized.AddConstraint ac && !ac.constraint().usingIndex()
                        && ac.constraint().kind() == Recognized.ConstraintKind.UNIQUE) {
                    table = at.table().name();
                    cols = ac.constraint().columns();
                }
            }
        }
        if (table == null || !s.existing(table) || cols.isEmpty() || nullInEveryRow(ctx, s, table, cols)) {
            return;
        }
        String c = String.join(", ", cols);
        ctx.report(s, "unique index on existing table " + table + " (" + c + ") fails, after the whole build, if "
                + table + " already holds duplicate (" + c + ") values",
                "check first: SELECT " + c + ", count(*) FROM " + table + " GROUP BY " + c
                        + " HAVING count(*) > 1; dedupe, then build the index");
    }

    /**
     * True when one of the key columns was added to the table earlier in this migration without a
     * default: it is NULL in every existing row, and NULLs never collide in a unique index.
     */
    private static boolean nullInEveryRow(MigrationContext ctx, Analyzed s, String table, List<String> cols) {
        for (Analyzed a : ctx.statements()) {
            if (a == s) {
                return false;
            }
            if (a.what() instanceof Recognized.AlterTable at && at.table() != null && at.table().name().equals(table)) {
                for (Recognized.Action act : at.actions()) {
                    if (act instanceof Recognized.AddColumn ac && cols.contains(ac.column().name())
                            && ac.column().defaultExpr() == null && !ac.column().identity()
                            && !ac.column().generatedStored() && !ac.column().type().endsWith("serial")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
