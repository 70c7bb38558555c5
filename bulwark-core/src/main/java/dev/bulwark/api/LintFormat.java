package dev.bulwark.api;

/** The report formats of {@link LintReport#render}. */
public enum LintFormat {
    /** what {@code bulwark lint} prints */
    TEXT,
    /** SARIF 2.1.0, for code-scanning services */
    SARIF,
    /** JUnit XML, a testcase per migration */
    JUNIT
}
