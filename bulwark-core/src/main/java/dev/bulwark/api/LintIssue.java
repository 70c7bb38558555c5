package dev.bulwark.api;

/**
 * One lint finding.
 *
 * @param rule      the rule's stable id ({@code require-concurrent-index})
 * @param file      where it is, as the location names it ({@code classpath:db/migration/V2__idx.sql})
 * @param line      1-based line
 * @param message   what is wrong, naming the object
 * @param help      the safe form
 * @param migration the migration's id, or null for findings about the set
 */
public record LintIssue(String rule, Severity severity, String file, int line, int column, String message, String help,
                        String migration) {
    /** {@code file:line: severity rule: message}, one line. */
    public String describe() {
        return file + ":" + line + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + " " + rule + ": " + message;
    }
}
