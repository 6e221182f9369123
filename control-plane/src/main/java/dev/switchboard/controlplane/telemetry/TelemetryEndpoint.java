package dev.switchboard.controlplane.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.telemetry.ClickHouseStore.ClickHouseFailure;
import dev.switchboard.model.validation.ConfigError;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The request log and the tool-call audit log, read from ClickHouse, newest first. Blocking methods: RESTEasy runs them
 * on a worker thread, off the event loop. Every filter is validated, then quoted by {@link SqlLiterals}.
 */
@Path("/admin/v1")
@Tag(name = "telemetry", description = "Request logs and tool-call audit records (ClickHouse)")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class TelemetryEndpoint {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_VALUE_LENGTH = 256;
    /** Deeper pages than this are better reached with a narrower time range. */
    static final int MAX_OFFSET = 100_000;

    @Inject
    ClickHouseStore clickhouse;

    @GET
    @Path("request-logs")
    @Operation(summary = "Request logs of the gateway plane, newest first", description = "Filters: `since`"
            + " (inclusive) and `until` (exclusive) as ISO-8601 times with an offset, `subject`, `model` (requested or"
            + " resolved), `status` (HTTP status), `metadata.<key>` (a value of the request's x-tfy-metadata; any"
            + " number of keys), `limit` (1 to 1000, default 100), `offset` (rows to skip, 0 to 100000, default 0).")
    public Response requestLogs(@QueryParam("since") String since, @QueryParam("until") String until,
                                @QueryParam("subject") String subject, @QueryParam("model") String model,
                                @QueryParam("status") String status, @QueryParam("limit") String limit,
                                @QueryParam("offset") String offset, @Context UriInfo uri) {
        Map<String, List<String>> metadata = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> p : uri.getQueryParameters().entrySet()) {
            if (p.getKey().startsWith(TelemetryKind.METADATA_PREFIX)) {
                metadata.put(p.getKey(), p.getValue());
            }
        }
        return json(requestLogRows(since, until, subject, model, status, metadata, limit, offset));
    }

    /**
     * The request logs matching the filters (each as the API's query parameter, {@code metadata} keyed by
     * {@code metadata.<key>}), newest first: for the console. Invalid filters fail as a 400 {@link ApiProblem} naming
     * each field; ClickHouse away as a 503.
     */
    public Rows requestLogRows(String since, String until, String subject, String model, String status,
                               Map<String, List<String>> metadata, String limit, String offset) {
        Query q = new Query(TelemetryKind.REQUEST_LOGS);
        q.times(since, until);
        q.equals("subject", subject, "subject");
        metadata.forEach(q::metadata);
        String m = q.text("model", model);
        if (m != null) {
            q.conditions.add("(requested_model = " + SqlLiterals.string(m) + " OR resolved_model = "
                    + SqlLiterals.string(m) + ")");
        }
        Integer s = q.integer("status", status, -1, 999);
        if (s != null) {
            q.conditions.add("status = " + s);
        }
        return q.run(limit, offset);
    }

    @GET
    @Path("tool-calls")
    @Operation(summary = "Tool calls through the MCP gateway (its audit records), newest first", description = "Filters:"
            + " `since` (inclusive) and `until` (exclusive) as ISO-8601 times with an offset, `subject`, `server`,"
            + " `tool`, `outcome`, `session_id`, `limit` (1 to 1000, default 100), `offset` (0 to 100000).")
    public Response toolCalls(@QueryParam("since") String since, @QueryParam("until") String until,
                              @QueryParam("subject") String subject, @QueryParam("server") String server,
                              @QueryParam("tool") String tool, @QueryParam("outcome") String outcome,
                              @QueryParam("session_id") String sessionId, @QueryParam("limit") String limit,
                              @QueryParam("offset") String offset) {
        return json(toolCallRows(since, until, subject, server, tool, outcome, sessionId, limit, offset));
    }

    /** The tool calls matching the filters, newest first: for the console (errors as {@link #requestLogRows}). */
    public Rows toolCallRows(String since, String until, String subject, String server, String tool, String outcome,
                             String sessionId, String limit, String offset) {
        Query q = new Query(TelemetryKind.TOOL_CALLS);
        q.times(since, until);
        q.equals("subject", subject, "subject");
        q.equals("server", server, "server");
        q.equals("tool", tool, "tool");
        q.equals("outcome", outcome, "outcome");
        q.equals("session_id", sessionId, "session_id");
        return q.run(limit, offset);
    }

    /** A page of rows as the API answers them, with the limit and offset it was read with. */
    public record Rows(List<ObjectNode> items, int limit, int offset) {
    }

    private static Response json(Rows rows) {
        ObjectNode body = ConfigJson.mapper().createObjectNode();
        ArrayNode items = body.putArray("items");
        rows.items().forEach(items::add);
        body.put("limit", rows.limit());
        body.put("offset", rows.offset());
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON).build();
    }

    /** One query being built: its conditions and every error found in the filters. */
    private final class Query {
        final TelemetryKind kind;
        final List<String> conditions = new ArrayList<>();
        final List<ConfigError> errors = new ArrayList<>();

        Query(TelemetryKind kind) {
            this.kind = kind;
        }

        void times(String since, String until) {
            Instant from = instant("since", since);
            Instant to = instant("until", until);
            if (from != null && to != null && !from.isBefore(to)) {
                errors.add(new ConfigError("until", "must be after since"));
                return;
            }
            // The DateTime column prunes partitions and uses the sort key; the millisecond column is exact.
            if (from != null) {
                conditions.add(kind.timeColumn() + " >= toDateTime(" + from.getEpochSecond() + ")");
                conditions.add(kind.millisColumn() + " >= " + from.toEpochMilli());
            }
            if (to != null) {
                long ceilSeconds = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0);
                conditions.add(kind.timeColumn() + " <= toDateTime(" + ceilSeconds + ")");
                conditions.add(kind.millisColumn() + " < " + to.toEpochMilli());
            }
        }

        Instant instant(String field, String value) {
            if (value == null) {
                return null;
            }
            try {
                // an unencoded "+01:00" in a query string arrives as " 01:00"
                Instant t = OffsetDateTime.parse(value.strip().replace(' ', '+')).toInstant();
                if (t.getEpochSecond() < 0 || t.getEpochSecond() > 4_294_967_295L) {
                    errors.add(new ConfigError(field, "must be between 1970 and 2106"));
                    return null;
                }
                return t;
            } catch (DateTimeParseException e) {
                errors.add(new ConfigError(field, "must be an ISO-8601 time with an offset, such as"
                        + " 2026-01-31T12:00:00Z"));
                return null;
            }
        }

        String text(String field, String value) {
            if (value == null || value.isEmpty()) {
                return null; // an empty value is no filter
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                errors.add(new ConfigError(field, "must be at most " + MAX_VALUE_LENGTH + " characters"));
                return null;
            }
            if (!SqlLiterals.isQuotable(value)) {
                errors.add(new ConfigError(field, "must not contain control characters"));
                return null;
            }
            return value;
        }

        /** {@code metadata.<key>=<value>}: the key checked like the gateway checks it, both quoted as literals. */
        void metadata(String field, List<String> values) {
            String key = field.substring(TelemetryKind.METADATA_PREFIX.length());
            if (!TelemetryKind.METADATA_KEY.matcher(key).matches()) {
                errors.add(new ConfigError(field, "the metadata key must be 1 to 64 letters, digits, '_', '.' or '-'"));
                return;
            }
            if (values.size() > 1) {
                errors.add(new ConfigError(field, "must be given at most once"));
                return;
            }
            String v = text(field, values.isEmpty() ? null : values.get(0));
            if (v != null) {
                conditions.add("metadata_values[indexOf(metadata_keys, " + SqlLiterals.string(key) + ")] = "
                        + SqlLiterals.string(v));
            }
        }

        void equals(String column, String value, String field) {
            String v = text(field, value);
            if (v != null) {
                conditions.add(column + " = " + SqlLiterals.string(v));
            }
        }

        Integer integer(String field, String value, int min, int max) {
            if (value == null) {
                return null;
            }
            try {
                int n = Integer.parseInt(value.strip());
                if (n < min || n > max) {
                    errors.add(new ConfigError(field, "must be between " + min + " and " + max));
                    return null;
                }
                return n;
            } catch (NumberFormatException e) {
                errors.add(new ConfigError(field, "must be an integer"));
                return null;
            }
        }

        Rows run(String limitText, String offsetText) {
            Integer limit = limitText == null ? Integer.valueOf(DEFAULT_LIMIT)
                    : integer("limit", limitText, 1, MAX_LIMIT);
            Integer offset = offsetText == null || offsetText.isBlank() ? Integer.valueOf(0)
                    : integer("offset", offsetText, 0, MAX_OFFSET);
            if (!errors.isEmpty()) {
                throw ApiProblem.invalid(errors);
            }
            if (!clickhouse.configured()) {
                throw unavailable("no ClickHouse is configured (SWITCHBOARD_CLICKHOUSE_URL)");
            }
            String sql = "SELECT " + String.join(", ", kind.columns()) + " FROM " + clickhouse.table(kind)
                    + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                    + " ORDER BY " + kind.timeColumn() + " DESC, " + kind.millisColumn() + " DESC"
                    + " " + kind.onePerEvent() + " LIMIT " + offset + ", " + limit + " FORMAT JSONEachRow";
            List<String> lines;
            try {
                lines = clickhouse.queryLines(sql);
            } catch (ClickHouseFailure e) {
                if (e.rejected() && e.code() != 60 && e.code() != 81) {
                    throw new IllegalStateException("ClickHouse refused the " + kind.table() + " query: " + e.getMessage(),
                            e);
                }
                throw unavailable(e.rejected() ? "the " + kind.table() + " table does not exist yet (the control plane"
                        + " creates it once ClickHouse is reachable)" : "ClickHouse cannot be reached; try again later");
            }
            List<ObjectNode> items = new ArrayList<>(lines.size());
            for (String line : lines) {
                items.add(row(kind, line));
            }
            return new Rows(items, limit, offset);
        }
    }

    private static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "ClickHouse unavailable", detail, List.of());
    }

    /**
     * A JSONEachRow line as the API answers it: 64-bit numbers unquoted, 0/1 as booleans, JSON text as JSON, the
     * metadata's parallel arrays as one {@code metadata} object; a request log's payload fields only when it has
     * payloads.
     */
    static ObjectNode row(TelemetryKind kind, String line) {
        ObjectNode in;
        try {
            in = (ObjectNode) ConfigJson.mapper().readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException("ClickHouse answered a line that is not a JSON object", e);
        }
        ObjectNode out = ConfigJson.mapper().createObjectNode();
        for (var it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String column = e.getKey();
            JsonNode v = e.getValue();
            if (column.equals("metadata_keys") || column.equals("metadata_values")) {
                continue;
            }
            if (v.isNull()) {
                out.putNull(column);
            } else if (kind.isInt64(column)) {
                try {
                    out.put(column, Long.parseLong(v.asText()));
                } catch (NumberFormatException nfe) {
                    out.set(column, v);
                }
            } else if (kind.isBoolean(column)) {
                out.put(column, v.asInt() != 0);
            } else if (kind.isJson(column)) {
                String text = v.asText();
                if (text.isEmpty()) {
                    out.putNull(column);
                } else {
                    try {
                        out.set(column, ConfigJson.mapper().readTree(text));
                    } catch (Exception notJson) {
                        out.put(column, text); // e.g. a payload cut short (request_truncated)
                    }
                }
            } else {
                out.set(column, v);
            }
        }
        JsonNode keys = in.get("metadata_keys");
        if (keys != null) {
            ObjectNode metadata = out.putObject("metadata");
            JsonNode values = in.path("metadata_values");
            for (int i = 0; i < keys.size(); i++) {
                metadata.put(keys.get(i).asText(), values.path(i).asText());
            }
        }
        if (kind == TelemetryKind.REQUEST_LOGS && in.path("prompt").asText("").isEmpty()
                && in.path("completion").asText("").isEmpty()) {
            // payloads were not logged for this request: no empty payload fields
            out.remove(List.of("prompt", "prompt_truncated", "completion", "completion_truncated"));
        }
        if (kind == TelemetryKind.REQUEST_LOGS && in.path("audio_seconds").asDouble(-1) < 0) {
            // no transcription, or one that said no seconds: no field
            out.remove("audio_seconds");
        }
        if (kind == TelemetryKind.REQUEST_LOGS && in.path("trace").asText("").isEmpty()) {
            // not traced, or its spans did not go through the request log: no field
            out.remove("trace");
        }
        return out;
    }
}
