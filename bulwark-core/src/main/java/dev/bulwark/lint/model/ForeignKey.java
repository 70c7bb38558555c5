package dev.bulwark.lint.model;

import dev.bulwark.lint.recognize.Recognized.FkAction;

import java.util.List;

/** An edge of the foreign-key graph: rows of {@code child} point at rows of {@code parent}. */
public record ForeignKey(String name, String child, List<String> columns, String parent, FkAction onDelete,
                         FkAction onUpdate) {
    public String describe() {
        return child + "(" + String.join(", ", columns) + ") → " + parent;
    }
}
