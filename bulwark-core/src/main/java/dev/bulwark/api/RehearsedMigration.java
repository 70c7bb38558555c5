package dev.bulwark.api;

import java.util.List;

/**
 * One migration's rehearsal.
 *
 * @param failure   the server's message for the first statement that failed, or null
 * @param roundTrip up → down → up: {@code PASSED}, {@code FAILED} …, or null when it did not run
 * @param roundTripDetail what the round trip found, or null
 * @param skipped   why it was not rehearsed, or null
 * @param failed    a failed statement, a failed round trip or an error-level trace finding
 */
public record RehearsedMigration(String id, String description, String file, int statements, String failure,
                                 String roundTrip, String roundTripDetail, List<TraceIssue> issues, String skipped,
                                 boolean failed) {
    public RehearsedMigration {
        issues = List.copyOf(issues);
    }
}
