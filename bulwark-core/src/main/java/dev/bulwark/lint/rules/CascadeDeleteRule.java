package dev.bulwark.lint.rules;

import dev.bulwark.lint.Analyzed;
import dev.bulwark.lint.MigrationContext;
import dev.bulwark.lint.Severity;
import dev.bulwark.lint.StatementRule;
import dev.bulwark.lint.recognize.Recognized;

/** A foreign key created or changed to ON DELETE CASCADE. See docs/rules/cascade-delete.md. */
public final class CascadeDeleteRule extends StatementRule {
    @Override
    public String id() {
        return "cascade-delete";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "a foreign key created or changed to ON DELETE CASCADE";
    }

    @Override
    public String help() {
        return "ON DELETE RESTRICT (or NO ACTION) and delete child rows explicitly, or soft-delete the parent";
    }

    @Override
    protected void visit(MigrationContext ctx, Analyzed s) {
        for (Fks.Added fk : Fks.added(s)) {
            if (fk.def().onDelete() == Recognized.FkAction.CASCADE && fk.def().refTable() != null
                    && !partOfParent(s, fk)) {
                ctx.report(s, fk.def().at(), "foreign key " + fk.child() + "(" + String.join(", ", fk.columns()) + ") → "
                        + fk.def().refTable() + " is ON DELETE CASCADE: deleting one " + fk.def().refTable()
                        + " row silently deletes its " + fk.child() + " rows",
                        "REFERENCES " + fk.def().refTable() + " ON DELETE RESTRICT, and delete " + fk.child()
                                + " rows explicitly (or soft-delete " + fk.def().refTable() + ")");
            }
        }
    }

    /**
     * A child whose primary key or a unique key includes the foreign key columns (order_items
     * (order_id, product_id) → orders, a one-to-one profile with a unique user_id, a join table
     * unique on both keys) is part of its parent: its rows cannot exist without the parent row,
     * so cascading the delete is the design, not a surprise. cascade-chain still reports long chains.
     */
    private static boolean partOfParent(Analyzed s, Fks.Added fk) {
        dev.bulwark.lint.model.TableModel child = s.after() == null ? null : s.after().table(fk.child());
        if (child == null || fk.columns().isEmpty()) {
            return false;
        }
        return child.constraints().stream().anyMatch(c -> c.kind() == Recognized.ConstraintKind.PRIMARY_KEY
                && c.columns().containsAll(fk.columns()))
                || child.indexes().stream().anyMatch(i -> i.unique() && !i.partial() && i.columns().containsAll(fk.columns()));
    }
}
