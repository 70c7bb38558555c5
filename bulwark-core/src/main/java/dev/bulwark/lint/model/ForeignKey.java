package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognized.FkAction;

import java.util.List;

/**
 * An edge of the foreign-key graph: rows of {@code child} point at rows of {@code parent}.
 *
 * @param refColumns the parent's columns it references as the constraint names them (empty: not named, the
 *                   parent's primary key)
 */
public record ForeignKey(String name, String child, List<String> columns, String parent, List<String> refColumns,
                         FkAction onDelete, FkAction onUpdate) {
    public ForeignKey {
        refColumns = refColumns == null ? List.of() : List.copyOf(refColumns);
    }

    public String describe() {
        return child + "(" + String.join(", ", columns) + ") → " + parent;
    }
}
