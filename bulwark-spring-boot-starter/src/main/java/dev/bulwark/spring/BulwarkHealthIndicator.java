package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.MigrationInfo;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DOWN when a migration failed, was edited after it was applied, or is recorded but its file is
 * gone; UP otherwise, with the count per state (pending migrations alone do not make it DOWN).
 */
public class BulwarkHealthIndicator implements HealthIndicator {
    private final Bulwark bulwark;

    public BulwarkHealthIndicator(Bulwark bulwark) {
        this.bulwark = bulwark;
    }

    @Override
    public Health health() {
        List<MigrationInfo> all = bulwark.status();
        Map<String, Integer> counts = new TreeMap<>();
        all.forEach(m -> counts.merge(m.state().name(), 1, Integer::sum));
        List<String> problems = all.stream().filter(m -> m.state().isProblem())
                .map(m -> m.id() + " " + m.state().name() + (m.detail() == null ? "" : ": " + m.detail())).toList();
        Health.Builder b = problems.isEmpty() ? Health.up() : Health.down().withDetail("problems", problems);
        return b.withDetail("states", counts).build();
    }
}
