package dev.bulwark.api;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link Bulwark#rehearse} found running every migration on a throwaway database.
 *
 * @param serverVersion the server it ran on ({@code 15.15})
 */
public record RehearsalReport(String serverVersion, Duration duration, List<RehearsedMigration> migrations) {
    public RehearsalReport {
        migrations = List.copyOf(migrations);
    }

    /** True when anything must stop a deploy: a failed statement, a failed round trip, an error-level trace finding. */
    public boolean failed() {
        return migrations.stream().anyMatch(RehearsedMigration::failed);
    }

    /** One line per failed migration and per error-level finding, for a failure message. */
    public String describeFailures() {
        return migrations.stream().filter(RehearsedMigration::failed).map(m -> {
            StringBuilder b = new StringBuilder(m.id() + " (" + m.file() + "):");
            if (m.failure() != null) {
                b.append(" statement failed: ").append(m.failure()).append(';');
            }
            if (m.roundTrip() != null && !"PASSED".equals(m.roundTrip()) && m.roundTripDetail() != null) {
                b.append(" round trip ").append(m.roundTrip()).append(": ").append(m.roundTripDetail()).append(';');
            }
            m.issues().stream().filter(i -> i.severity() == Severity.ERROR)
                    .forEach(i -> b.append(" ").append(i.rule()).append(" at ").append(i.position()).append(": ").append(i.message()).append(';'));
            return b.toString();
        }).collect(Collectors.joining("\n"));
    }
}
