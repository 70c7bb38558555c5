package dev.bulwark.catalog;

import dev.bulwark.catalog.CatalogSnapshot.Constraint;

/**
 * One foreign key as a graph edge, from the referencing table to the referenced one.
 *
 * @param indexed whether a valid, non-partial index on the referencing table starts with the
 *                key's columns, so a delete or key update on the referenced side finds the
 *                referencing rows without scanning the table
 */
public record ForeignKeyEdge(Constraint constraint, boolean indexed) {
    public TableRef from() {
        return constraint.table();
    }

    public TableRef to() {
        return constraint.references();
    }

    public FkAction onDelete() {
        return constraint.onDelete();
    }

    public FkAction onUpdate() {
        return constraint.onUpdate();
    }

    public String name() {
        return constraint.name();
    }

    /** {@code public.order_items(order_id) -> public.orders(id) ON DELETE CASCADE}, plus {@code , not indexed} when so */
    public String describe() {
        return from() + "(" + columns(constraint.columns()) + ") -> " + to() + "(" + columns(constraint.referencedColumns())
                + ") ON DELETE " + onDelete().sql() + (indexed ? "" : ", not indexed");
    }

    private static String columns(java.util.List<String> names) {
        return String.join(", ", names.stream().map(TableRef::display).toList());
    }
}
