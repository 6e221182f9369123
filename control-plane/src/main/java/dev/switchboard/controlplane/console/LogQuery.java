package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.telemetry.TelemetryEndpoint;
import dev.switchboard.model.validation.ConfigError;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the request-log and tool-call pages share: the time range typed as UTC ({@code from}, {@code to} from
 * {@code datetime-local} inputs) turned into the admin API's {@code since} / {@code until}, paging by offset, the API's
 * field errors put back beside the form's fields, and the formatting of a row's times and JSON.
 */
final class LogQuery {

    static final int PAGE = 50;
    /** The API's names of the form's fields where they differ. */
    static final Map<String, String> FIELD_OF_PATH = Map.of("since", "from", "until", "to");
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** The form's values, as typed, and the errors found for each field (the form's names). */
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();
    private final int page;

    /** A field's value and its error, for the form. */
    @TemplateData
    public record Field(String value, String error) {
    }

    LogQuery(Map<String, String> given, int page) {
        given.forEach((k, v) -> values.put(k, v == null ? "" : v.strip()));
        this.page = Math.max(0, page);
    }

    String value(String field) {
        String v = values.get(field);
        return v == null || v.isEmpty() ? null : v;
    }

    /** {@code from} / {@code to} as an ISO-8601 UTC time for the API; null (and an error) when unreadable. */
    String time(String field) {
        String v = value(field);
        if (v == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            errors.put(field, "must be a date and time such as 2026-01-31T12:00");
            return null;
        }
    }

    /** The {@code meta} field, {@code key=value}, as the API's {@code metadata.<key>} parameter. */
    Map<String, List<String>> metadata() {
        String v = value("meta");
        if (v == null) {
            return Map.of();
        }
        int eq = v.indexOf('=');
        if (eq <= 0) {
            errors.put("meta", "must be key=value, such as team=search");
            return Map.of();
        }
        return Map.of("metadata." + v.substring(0, eq).strip(), List.of(v.substring(eq + 1).strip()));
    }

    /** Rows to skip for this page. */
    String offset() {
        return String.valueOf(page * PAGE);
    }

    /** One more than a page: whether an older page exists. */
    String limit() {
        return String.valueOf(PAGE + 1);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The API's 400: each error beside the form field its path names ({@code since} is {@code from}, ...). */
    private void rejected(ApiProblem problem) {
        for (ConfigError e : problem.errors()) {
            String field = e.path().startsWith("metadata.") ? "meta" : FIELD_OF_PATH.getOrDefault(e.path(), e.path());
            errors.merge(field, e.message(), (a, b) -> a + "; " + b);
        }
    }

    /** The form's fields with their values and errors, by name. */
    Map<String, Field> fields() {
        Map<String, Field> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, new Field(v, errors.get(k))));
        errors.forEach((k, e) -> out.putIfAbsent(k, new Field("", e)));
        return out;
    }

    int page() {
        return page;
    }

    /**
     * The page at {@code path}: asks the admin API's query (even when a field here is wrong, so that every wrong field
     * is named at once), turns its rows into the page's, and fills {@code view} with them, the form and the pager. The
     * API's 400 goes beside the fields, its 503 (ClickHouse away) into {@code unavailable}.
     */
    <R> String render(TemplateInstance view, String path, Supplier<TelemetryEndpoint.Rows> query,
                      Function<ObjectNode, R> row) {
        List<R> rows = new ArrayList<>();
        boolean older = false;
        String unavailable = null;
        try {
            TelemetryEndpoint.Rows found = query.get();
            if (!hasErrors()) {
                older = found.items().size() > PAGE;
                found.items().stream().limit(PAGE).map(row).forEach(rows::add);
            }
        } catch (ApiProblem e) {
            if (e.status() == 400) {
                rejected(e);
            } else if (e.status() == 503) {
                unavailable = e.detail();
            } else {
                throw e;
            }
        }
        return view.data("rows", rows).data("f", fields()).data("unavailable", unavailable).data("page", page + 1)
                .data("newer", page > 0 ? link(path, page - 1) : null)
                .data("older", older ? link(path, page + 1) : null)
                .render();
    }

    /** This query's URL on {@code path} at {@code otherPage}. */
    String link(String path, int otherPage) {
        UriBuilder b = UriBuilder.fromPath(path);
        values.forEach((k, v) -> {
            if (!v.isEmpty()) {
                b.queryParam(k, v);
            }
        });
        if (otherPage > 0) {
            b.queryParam("page", otherPage);
        }
        return b.build().toString();
    }

    static String time(JsonNode epochMillis) {
        return epochMillis.isNumber() ? TIME.format(Instant.ofEpochMilli(epochMillis.asLong())) : "";
    }

    static String text(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    /** JSON as indented text; null for null or missing. */
    static String pretty(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText(); // a payload cut short stays text
        }
        try {
            return ConfigJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return v.toString();
        }
    }
}
