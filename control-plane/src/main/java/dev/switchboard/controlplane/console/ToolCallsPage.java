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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The tool-call audit: every call through the MCP gateway, newest first, filtered by time, subject, server, tool,
 * outcome and session, 50 a page; each row opens on its guardrail verdicts, its approval (who decided, how long it
 * waited) and, for an admin, the arguments and result as they were audited. The admin API's query
 * ({@link TelemetryEndpoint}); blocking (ClickHouse): on a worker thread.
 */
@Path(ConsolePaths.TOOL_CALLS)
public class ToolCallsPage {

    @Inject
    ConsoleCaller caller;

    @Inject
    TelemetryEndpoint telemetry;

    @Inject
    @Location("console/tool-calls.html")
    Template page;

    @TemplateData
    public record Row(String id, String at, String subject, String credential, String sessionId, String endpoint,
                      String server, String tool, String outcome, boolean failed, String error, String latency,
                      String guardrails, String approval, String approvedBy, String instance, String request,
                      boolean requestTruncated, String requestWithheld, String response, boolean responseTruncated,
                      String responseWithheld) {
    }

    @GET
    public Response toolCalls(@QueryParam("from") String from, @QueryParam("to") String to,
                              @QueryParam("subject") String subject, @QueryParam("server") String server,
                              @QueryParam("tool") String tool, @QueryParam("outcome") String outcome,
                              @QueryParam("session_id") String sessionId,
                              @QueryParam("page") @DefaultValue("0") int pageNumber) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("from", from);
        given.put("to", to);
        given.put("subject", subject);
        given.put("server", server);
        given.put("tool", tool);
        given.put("outcome", outcome);
        given.put("session_id", sessionId);
        LogQuery q = new LogQuery(given, pageNumber);
        boolean admin = caller.session().role().canChange();
        String since = q.time("from");
        String until = q.time("to");
        String html = q.render(page.data("session", caller.session()).data("active", "tool-calls"),
                ConsolePaths.TOOL_CALLS, () -> telemetry.toolCallRows(since, until, q.value("subject"),
                        q.value("server"), q.value("tool"), q.value("outcome"), q.value("session_id"), q.limit(),
                        q.offset()),
                r -> row(r, admin));
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    /** A row as the page shows it; the arguments and result only for an admin. */
    static Row row(JsonNode r, boolean admin) {
        String outcome = r.path("outcome").asText("");
        JsonNode approval = r.get("approval");
        return new Row(r.path("request_id").asText(), LogQuery.time(r.path("at_ms")), r.path("subject").asText(""),
                r.path("credential").asText(""), r.path("session_id").asText(""), r.path("endpoint").asText(""),
                r.path("server").asText(""), r.path("tool").asText(""), outcome, !"ok".equals(outcome),
                LogQuery.text(r.get("error")),
                String.format(Locale.ROOT, "%.1f ms", r.path("latency_us").asLong() / 1000.0),
                r.path("guardrails").isEmpty() ? null : LogQuery.pretty(r.get("guardrails")),
                LogQuery.pretty(approval), approval == null || approval.isNull() ? null
                        : approval.path("decision").asText("") + (approval.path("decided_by").isTextual()
                        ? " by " + approval.path("decided_by").asText() : ""),
                r.path("instance").asText(""),
                admin ? LogQuery.pretty(r.get("request")) : null, r.path("request_truncated").asBoolean(),
                LogQuery.text(r.get("request_withheld")),
                admin ? LogQuery.pretty(r.get("response")) : null, r.path("response_truncated").asBoolean(),
                LogQuery.text(r.get("response_withheld")));
    }
}
