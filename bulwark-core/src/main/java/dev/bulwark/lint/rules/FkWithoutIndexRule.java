package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;
import dev.bulwark.lint.model.TableModel;

/** Foreign key columns without an index. See docs/rules/fk-without-index.md. */
public final class FkWithoutIndexRule extends StatementRule {
    @Override
    public String id() {
        return "fk-without-index";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "foreign key columns without an index";
    }

    @Override
    public String help() {
        return "CREATE INDEX CONCURRENTLY on the foreign key columns before adding the foreign key";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Fks.Added fk : Fks.added(s)) {
            // An index added by a later migration of the set counts: the FK's table is new and empty until then.
            TableModel child = ctx.atSetEnd().table(fk.child());
            if (child == null || fk.columns().isEmpty() || child.hasIndexLeadingWith(fk.columns())) {
                continue;
            }
            String cols = String.join(", ", fk.columns());
            ctx.report(s, fk.def().at(), "foreign key " + fk.child() + "(" + cols + ") → " + fk.def().refTable()
                    + " has no index on " + fk.child() + "(" + cols + "): every delete or key update of "
                    + fk.def().refTable() + " scans all of " + fk.child()
                    + (fk.def().onDelete() == Recognized.FkAction.CASCADE ? ", once per cascaded row" : ""),
                    "CREATE INDEX CONCURRENTLY " + fk.child().replace('.', '_') + "_" + String.join("_", fk.columns())
                            + "_idx ON " + fk.child() + " (" + cols + ")");
        }
    }

}
