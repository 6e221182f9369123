package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.telemetry.TelemetryEndpoint;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request log: the gateway plane's requests, newest first, filtered by time, subject, model, status and a metadata
 * key=value, 50 a page; each row opens on every attempt, the guardrail verdicts and the metadata, and for an admin the
 * logged prompt and completion (when payload logging was on). The admin API's query ({@link TelemetryEndpoint}), so
 * the same validation; blocking (ClickHouse): on a worker thread.
 */
@Path(ConsolePaths.REQUESTS)
public class RequestLogPage {

    @Inject
    ConsoleCaller caller;

    @Inject
    TelemetryEndpoint telemetry;

    @Inject
    @Location("console/requests.html")
    Template page;

    @TemplateData
    public record Attempt(int number, String target, String status, String latency) {
    }

    @TemplateData
    public record Entry(String key, String value) {
    }

    @TemplateData
    public record Row(String id, String at, String subject, String team, String credential, String endpoint,
                      String requestedModel, String resolvedModel, String status, boolean failed, String errorCode,
                      String latency, String ttft, long tokensIn, long tokensOut, String cost, boolean stream,
                      List<Attempt> attempts, String guardrails, List<Entry> metadata, String limitRule,
                      String instance, String prompt, boolean promptTruncated, String completion,
                      boolean completionTruncated) {
    }

    @GET
    public Response requests(@QueryParam("from") String from, @QueryParam("to") String to,
                             @QueryParam("subject") String subject, @QueryParam("model") String model,
                             @QueryParam("status") String status, @QueryParam("meta") String meta,
                             @QueryParam("page") @DefaultValue("0") int pageNumber) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("from", from);
        given.put("to", to);
        given.put("subject", subject);
        given.put("model", model);
        given.put("status", status);
        given.put("meta", meta);
        LogQuery q = new LogQuery(given, pageNumber);
        boolean admin = caller.session().role().canChange();
        String since = q.time("from");
        String until = q.time("to");
        Map<String, List<String>> metadata = q.metadata();
        String html = q.render(page.data("session", caller.session()).data("active", "requests"),
                ConsolePaths.REQUESTS, () -> telemetry.requestLogRows(since, until, q.value("subject"),
                        q.value("model"), q.value("status"), metadata, q.limit(), q.offset()),
                r -> row(r, admin));
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    /** A row as the page shows it; payloads only for an admin. */
    static Row row(JsonNode r, boolean admin) {
        List<Attempt> attempts = new ArrayList<>();
        int n = 0;
        for (JsonNode a : r.path("attempts")) {
            attempts.add(new Attempt(++n, a.path("target").asText(""), status(a.path("status").asInt()),
                    millis(a.path("latency_ms"))));
        }
        List<Entry> metadata = new ArrayList<>();
        r.path("metadata").fields().forEachRemaining(e -> metadata.add(new Entry(e.getKey(), e.getValue().asText())));
        int status = r.path("status").asInt();
        return new Row(r.path("request_id").asText(), LogQuery.time(r.path("started_at_ms")),
                r.path("subject").asText(""), r.path("team").asText(""), r.path("credential").asText(""),
                r.path("endpoint").asText(""), r.path("requested_model").asText(""),
                r.path("resolved_model").asText(""), status(status), status < 200 || status >= 400,
                LogQuery.text(r.get("error_code")), millis(r.path("latency_ms")),
                millis(r.path("time_to_first_token_ms")), r.path("prompt_tokens").asLong(),
                r.path("completion_tokens").asLong(), String.format(Locale.ROOT, "$%.6f", r.path("cost_usd").asDouble()),
                r.path("stream").asBoolean(), attempts,
                r.path("guardrails").isEmpty() ? null : LogQuery.pretty(r.get("guardrails")), metadata,
                LogQuery.text(r.get("limit_rule")), r.path("instance").asText(""),
                admin ? LogQuery.pretty(r.get("prompt")) : null, r.path("prompt_truncated").asBoolean(),
                admin ? LogQuery.pretty(r.get("completion")) : null, r.path("completion_truncated").asBoolean());
    }

    private static String status(int status) {
        return status < 0 ? "no answer" : String.valueOf(status);
    }

    private static String millis(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f ms", v.asDouble()) : "–";
    }
}
