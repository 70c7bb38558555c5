package dev.bulwark.deploy;

import dev.bulwark.catalog.CatalogJson;
import dev.bulwark.pg.Masking;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs one JSON event per stage to {@code --notify-url}. The {@code text} field makes a Slack or
 * Discord incoming webhook show it as a message. A notification that fails is a warning: the
 * deploy must never stop, or be rolled back, because a chat service is down.
 */
public final class Notifier {
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Notifier(String url) {
        this.url = url == null ? null : URI.create(url);
    }

    /** @return null when sent (or no URL), else a warning line */
    public String send(String deployId, String database, String event, DeployReport.Stage stage, String summary) {
        if (url == null) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String text = "bulwark deploy " + deployId + " on " + database + ": " + (stage == null ? summary
                : stage.name() + " " + stage.status().label() + " (" + stage.durationMs() + " ms)"
                + (stage.decision() == null ? "" : " — " + stage.decision()));
        body.put("text", Masking.mask(text));
        body.put("content", Masking.mask(text)); // Discord reads content, Slack reads text
        body.put("event", event);
        body.put("deploy", deployId);
        body.put("database", database);
        if (stage != null) {
            body.put("stage", stage.name());
            body.put("status", stage.status().label());
            body.put("duration_ms", stage.durationMs());
            body.put("decision", Masking.mask(stage.decision()));
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CatalogJson.write(body))).build();
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2 ? null : "warning: --notify-url answered HTTP " + r.statusCode() + " to the " + event + " event";
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "warning: could not notify " + Masking.mask(url.toString()) + ": " + e;
        }
    }

    /** GETs the health URL a few times; null when it answered 2xx or 3xx, else why not. */
    public static String probe(String healthUrl, int attempts, Duration pause) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        String last = null;
        for (int i = 0; i < attempts; i++) {
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(healthUrl)).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 400) {
                    return null;
                }
                last = "HTTP " + r.statusCode();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return Masking.mask(healthUrl) + " answered " + last + " " + attempts + " times";
    }
}
