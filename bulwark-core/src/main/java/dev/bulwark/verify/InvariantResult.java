package dev.bulwark.verify;

import java.util.List;

/**
 * One {@code checks/*.sql} query.
 *
 * @param name      file name relative to the checks folder
 * @param passed    true when it ran and returned no rows
 * @param rows      the first rows it returned (each as {@code col=value, …}), when it failed
 * @param moreRows  true when it returned more rows than {@code rows} shows
 * @param error     the server's error when the query itself failed, else null
 */
public record InvariantResult(String name, boolean passed, List<String> columns, List<String> rows, boolean moreRows,
                              String error) {
    public InvariantResult {
        columns = columns == null ? List.of() : List.copyOf(columns);
        rows = rows == null ? List.of() : List.copyOf(rows);
    }
}
