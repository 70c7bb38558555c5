package dev.bulwark.junit;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.LintIssue;
import dev.bulwark.api.LintReport;
import dev.bulwark.api.RehearsalReport;
import dev.bulwark.api.Severity;
import dev.bulwark.pg.ConnectionSpec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One-line checks of a project's migration set, for a unit test that keeps unsafe migrations
 * out of the main branch:
 *
 * <pre>{@code
 * @Test void migrationsAreSafe() {
 *     BulwarkAssertions.assertMigrationsSafe(Severity.WARNING);
 * }
 * }</pre>
 */
public final class BulwarkAssertions {
    private BulwarkAssertions() {
    }

    /** {@link #assertMigrationsSafe(Severity, String...)} on {@code classpath:db/migration}. */
    public static void assertMigrationsSafe(Severity lintLevel) {
        assertMigrationsSafe(lintLevel, "classpath:db/migration");
    }

    /**
     * Fails unless the migrations lint clean at {@code lintLevel} (no finding at or above it) and
     * rehearse on the embedded server, up → down → up, without a failed statement, a failed round
     * trip or an error in the server's trace. The failure message lists every finding.
     */
    public static void assertMigrationsSafe(Severity lintLevel, String... locations) {
        assertLintsClean(lintLevel, locations);
        assertRehearsesClean(locations);
    }

    /** Fails unless no lint finding is at or above {@code level}, listing those that are. */
    public static void assertLintsClean(Severity level, String... locations) {
        LintReport report = bulwark(null, locations).lint();
        List<LintIssue> bad = report.issues().stream().filter(i -> i.severity().atLeast(level)).toList();
        if (!bad.isEmpty()) {
            throw new AssertionError(bad.size() + " lint finding" + (bad.size() == 1 ? "" : "s") + " at " + level
                    + " or above in " + String.join(", ", locations) + ":\n" + bad.stream()
                    .map(i -> "  " + i.describe() + (i.help() == null ? "" : "\n    help: " + i.help()))
                    .collect(Collectors.joining("\n")));
        }
    }

    /** Fails unless every migration rehearses and round trips without a trace error, listing the failures. */
    public static void assertRehearsesClean(String... locations) {
        ConnectionSpec server = EmbeddedDatabases.admin();
        RehearsalReport report = bulwark(server, locations).rehearse();
        if (report.failed()) {
            throw new AssertionError("rehearsal of " + String.join(", ", locations) + " failed:\n" + report.describeFailures());
        }
    }

    private static Bulwark bulwark(ConnectionSpec server, String... locations) {
        var c = Bulwark.configure().locations(locations).projectDirectory(EmbeddedDatabases.projectDirectory());
        if (server != null) {
            c.dataSource(server.jdbcUrl(), server.user(), null);
        }
        return c.load();
    }
}
