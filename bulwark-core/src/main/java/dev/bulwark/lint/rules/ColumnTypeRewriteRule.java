package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.model.TableModel;
import dev.bulwark.lint.model.TableModel.Column;

/** ALTER COLUMN TYPE that rewrites the table. See docs/rules/column-type-rewrite.md. */
public final class ColumnTypeRewriteRule extends StatementRule {
    @Override
    public String id() {
        return "column-type-rewrite";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "ALTER COLUMN TYPE that rewrites the table";
    }

    @Override
    public String help() {
        return "expand/contract: add a new column, sync it with a trigger, backfill in batches, switch reads, drop the old column; bulwark plan <migration> writes these phases";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        if (!(s.what() instanceof Recognized.AlterTable at) || !s.existing(at.table().name())) {
            return;
        }
        TableModel table = s.before().table(at.table().name());
        for (Recognized.Action a : at.actions()) {
            if (!(a instanceof Recognized.AlterColumnType ct)) {
                continue;
            }
            // the model's rewrite, per column: not binary-coercible, USING, or an old type it does not know
            if (!s.effect().rewriteColumns().contains(ct.column())) {
                continue;
            }
            Column old = table == null ? null : table.column(ct.column());
            String from = old == null ? "its current type (not known from the migrations)" : old.type();
            ctx.report(s, a.at(), "changing " + at.table().name() + "." + ct.column() + " from " + from + " to " + ct.type()
                    + " rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE", null);
        }
    }

}
