package dev.bulwark.migration;

import java.nio.file.Path;

/**
 * Something in a migration folder that the tool would stumble on, or that Bulwark cannot read: a
 * duplicate version, a file matching no pattern, a migration written in code, a version too long
 * for the tool's history column. {@code lint} and {@code audit} report these as findings and lint
 * the rest; {@code migrate} and {@code deploy} refuse, naming every one (see
 * {@link MigrationSources#read}).
 *
 * @param file   the file (or folder) at fault
 * @param reason what is wrong, in one line, without the file name
 * @param fix    what to do about it
 * @param rule   the lint rule that reports it: {@link #DUPLICATE} or {@link #LAYOUT}
 */
public record LayoutProblem(Path file, String reason, String fix, String rule) {
    public static final String LAYOUT = "layout-problem";
    public static final String DUPLICATE = "duplicate-version";

    static LayoutProblem layout(Path file, String reason, String fix) {
        return new LayoutProblem(file, reason, fix, LAYOUT);
    }
}
