package dev.bulwark.catalog;

import java.util.List;

/**
 * What deleting one row of {@code root} does through foreign keys.
 *
 * @param root       the table a row is deleted from
 * @param deleted    tables whose rows are deleted too, through chains of {@code ON DELETE CASCADE}
 * @param nulled     {@code SET NULL} / {@code SET DEFAULT} edges into the root or a deleted table:
 *                   rows there are updated, not deleted
 * @param restricted {@code NO ACTION} / {@code RESTRICT} edges into the root or a deleted table: the
 *                   delete fails while referencing rows exist
 */
public record CascadeReach(TableRef root, List<Reached> deleted, List<ForeignKeyEdge> nulled,
                           List<ForeignKeyEdge> restricted) {
    public CascadeReach {
        deleted = List.copyOf(deleted);
        nulled = List.copyOf(nulled);
        restricted = List.copyOf(restricted);
    }

    /**
     * @param table         a table rows are cascade-deleted from
     * @param depth         number of cascade edges from the root
     * @param path          the edges from the root to here (first edge references the root)
     * @param estimatedRows rows deleted here per root row, from the planner's row estimates (the
     *                      product of average fan-outs along the path), or null when unknown
     * @param allIndexed    whether every edge on the path is indexed on its referencing side
     */
    public record Reached(TableRef table, int depth, List<ForeignKeyEdge> path, Double estimatedRows,
                          boolean allIndexed) {
        public Reached {
            path = List.copyOf(path);
        }
    }
}
