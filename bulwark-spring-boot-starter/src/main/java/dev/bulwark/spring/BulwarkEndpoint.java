package dev.bulwark.spring;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.MigrationInfo;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /actuator/bulwark}: every migration and its state. */
@Endpoint(id = "bulwark")
public class BulwarkEndpoint {
    private final Bulwark bulwark;

    public BulwarkEndpoint(Bulwark bulwark) {
        this.bulwark = bulwark;
    }

    @ReadOperation
    public Map<String, Object> migrations() {
        List<Map<String, Object>> out = bulwark.status().stream().map(BulwarkEndpoint::describe).toList();
        return Map.of("migrations", out);
    }

    private static Map<String, Object> describe(MigrationInfo m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", m.id());
        row.put("description", m.description());
        row.put("state", m.state().name());
        row.put("script", m.script());
        row.put("appliedAt", m.appliedAt() == null ? null : m.appliedAt().toString());
        row.put("durationMs", m.duration() == null ? null : m.duration().toMillis());
        row.put("detail", m.detail());
        return row;
    }
}
