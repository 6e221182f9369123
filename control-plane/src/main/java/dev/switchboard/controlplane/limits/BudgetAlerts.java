package dev.switchboard.controlplane.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.model.limits.Rule;
import dev.switchboard.controlplane.telemetry.ClickHouseStore;
import dev.switchboard.controlplane.telemetry.ClickHouseStore.ClickHouseFailure;
import dev.switchboard.controlplane.telemetry.TelemetryKind;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Posts each budget threshold event that has a webhook, once: the telemetry writer hands over every {@code limit_events}
 * row it wrote, and an event id already posted (or already in ClickHouse when this process started) is skipped, since
 * every replica that sees a crossing raises it and the stream's duplicate window is short. A failed post (no answer,
 * or not 2xx) is tried again after a doubling wait, up to {@code switchboard.limits.webhook.attempts} tries; then it is
 * given up, the event staying in {@code limit_events}. Log lines name the webhook by scheme, host and path only: its
 * query string may carry a token.
 */
@Singleton
public class BudgetAlerts {

    private static final Logger LOG = Logger.getLogger(BudgetAlerts.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ControlPlaneConfig config;

    @Inject
    CurrentLimits limits;

    private final Set<String> posted = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "budget-alerts");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Remembers the events of the current periods already in ClickHouse: they were posted before this start. */
    public void loadRecorded(ClickHouseStore clickhouse) throws ClickHouseFailure {
        for (String line : clickhouse.queryLines("SELECT DISTINCT event_id FROM "
                + clickhouse.table(TelemetryKind.LIMIT_EVENTS) + " WHERE period_end_ms > "
                + System.currentTimeMillis() + " FORMAT JSONEachRow")) {
            try {
                posted.add(JSON.readTree(line).path("event_id").asText());
            } catch (Exception e) {
                throw new IllegalStateException("ClickHouse answered a line that is not a JSON object", e);
            }
        }
    }

    /** Rows of {@code limit_events} (JSONEachRow) ClickHouse has just taken. */
    public void recorded(byte[] rows) {
        for (String line : new String(rows, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (Exception e) {
                continue; // ClickHouse took it, so it is a row; nothing of it is ours to post
            }
            String webhook = webhookOf(event.path("budget").asText(""));
            String id = event.path("event_id").asText("");
            if (webhook.isEmpty() || id.isEmpty() || !posted.add(id)) {
                continue;
            }
            try {
                post(id, URI.create(webhook), body(event), 1);
            } catch (IllegalArgumentException e) {
                LOG.warnf("budget alert %s: its webhook is not a URL", id);
            }
        }
    }

    /** The budget's {@code alert_webhook} in the current config, or "" (none, or the budget is gone). */
    private String webhookOf(String budget) {
        try {
            Rule rule = limits.currentBlocking().rules().budget(budget);
            return rule == null || rule.alertWebhook() == null ? "" : rule.alertWebhook();
        } catch (Throwable e) {
            LOG.warnf("budget alert for '%s' not posted: the config could not be read (%s)", budget, e.getMessage());
            return "";
        }
    }

    /** What the webhook receives. */
    static byte[] body(JsonNode event) {
        ObjectNode body = JSON.createObjectNode()
                .put("event_id", event.path("event_id").asText())
                .put("kind", event.path("kind").asText())
                .put("budget", event.path("budget").asText())
                .put("member", event.path("member").asText())
                .put("percent", event.path("percent").asInt())
                .put("spent_usd", event.path("spent_usd").asDouble())
                .put("limit_usd", event.path("limit_usd").asDouble())
                .put("period_start", Instant.ofEpochMilli(event.path("window_start_ms").asLong()).toString())
                .put("period_end", Instant.ofEpochMilli(event.path("period_end_ms").asLong()).toString())
                .put("at", Instant.ofEpochMilli(event.path("at_ms").asLong()).toString());
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void post(String id, URI webhook, byte[] body, int attempt) {
        // An unusable URL (no http or https) throws here, to the caller.
        HttpRequest request = HttpRequest.newBuilder(webhook).timeout(config.limits().webhook().timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                LOG.infof("budget alert %s posted to %s", id, redacted(webhook));
                return;
            }
            String why = error != null ? error.getClass().getSimpleName() : "status " + response.statusCode();
            int attempts = config.limits().webhook().attempts();
            if (attempt >= attempts) {
                LOG.warnf("budget alert %s: gave up on %s after %d tries (%s)", id, redacted(webhook), attempt, why);
                return;
            }
            long wait = config.limits().webhook().backoff().toMillis() << (attempt - 1);
            LOG.debugf("budget alert %s: %s answered %s, trying again in %d ms", id, redacted(webhook), why, wait);
            retries.schedule(() -> post(id, webhook, body, attempt + 1), wait, TimeUnit.MILLISECONDS);
        });
    }

    /** Scheme, host, port and path: never the query string nor user information. */
    static String redacted(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    void stop(@Observes ShutdownEvent event) {
        retries.shutdownNow();
    }
}
