package dev.bulwark.lint;

/**
 * A lint rule: a stable kebab-case id, a default severity, a one-line summary of the hazard, a
 * help line with the safe form, and a docs page {@code docs/rules/<id>.md}. Rules look at one
 * migration at a time ({@link #check(MigrationContext)}) or at the whole set
 * ({@link #checkSet(SetContext)}); most need only one of the two.
 */
public abstract class Rule {
    /** Where the docs pages are published; SARIF {@code helpUri} and text output point here. */
    public static final String DOCS_BASE = "https://github.com/bulwark-migrations/bulwark/blob/main/docs/rules/";

    public abstract String id();

    public abstract Severity defaultSeverity();

    /** What the rule finds, in a few words (SARIF shortDescription, docs title). */
    public abstract String summary();

    /** The safe form, when a finding has no more specific help. */
    public abstract String help();

    public String docsPath() {
        return "docs/rules/" + id() + ".md";
    }

    public String docsUrl() {
        return DOCS_BASE + id() + ".md";
    }

    /** Checks one migration; report through {@code ctx.report(...)}. */
    public void check(MigrationContext ctx) {
    }

    /** Checks the migration set and project as a whole. */
    public void checkSet(SetContext ctx) {
    }
}
