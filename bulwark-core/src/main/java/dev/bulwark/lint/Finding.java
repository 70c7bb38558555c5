package dev.bulwark.lint;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * One problem lint found.
 *
 * @param ruleId    the rule's stable id
 * @param file      the file it is in
 * @param line      1-based line
 * @param column    1-based column
 * @param length    characters to mark from {@code column} on that line (at least 1)
 * @param message   what is wrong, naming the object
 * @param help      what to do instead, the safe form
 * @param migration the migration's id, or null for findings about the directory
 */
public record Finding(String ruleId, Severity severity, Path file, int line, int column, int length, String message,
                      String help, String migration) {
    public static final Comparator<Finding> ORDER = Comparator
            .comparing((Finding f) -> f.file().toString())
            .thenComparingInt(Finding::line)
            .thenComparingInt(Finding::column)
            .thenComparing(Finding::ruleId);

    public Finding withSeverity(Severity s) {
        return new Finding(ruleId, s, file, line, column, length, message, help, migration);
    }
}
