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
 * @param part      whether it is in the migration's up or its down (UP for findings about the directory)
 */
public record Finding(String ruleId, Severity severity, Path file, int line, int column, int length, String message,
                      String help, String migration, Part part) {
    /** The part of a migration a finding is in: downs are linted like ups, and run during incidents. */
    public enum Part {
        UP, DOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Finding {
        part = part == null ? Part.UP : part;
    }

    /** A finding in an up (or about the directory). */
    public Finding(String ruleId, Severity severity, Path file, int line, int column, int length, String message,
                   String help, String migration) {
        this(ruleId, severity, file, line, column, length, message, help, migration, Part.UP);
    }

    public static final Comparator<Finding> ORDER = Comparator
            .comparing((Finding f) -> f.file().toString())
            .thenComparingInt(Finding::line)
            .thenComparingInt(Finding::column)
            .thenComparing(Finding::ruleId);

    public Finding withSeverity(Severity s) {
        return new Finding(ruleId, s, file, line, column, length, message, help, migration, part);
    }

    public Finding withPart(Part p) {
        return new Finding(ruleId, severity, file, line, column, length, message, help, migration, p);
    }
}
