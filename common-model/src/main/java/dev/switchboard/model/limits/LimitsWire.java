package dev.switchboard.model.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What crosses NATS for limits and budgets, written and read only here.
 *
 * <ul>
 * <li><b>Counts</b>, core NATS (no persistence: reports are absolute, the next one repairs a lost one), subject
 *     {@code switchboard.limits.counts.<plane>} ({@code gateway}, {@code mcp}): each replica's own counts, the changed
 *     ones every share interval and all of them now and then. {@link #encodeCounts} / {@link #decodeCounts}. The
 *     control plane listens too, for the usage views.</li>
 * <li><b>Spent totals</b>, JetStream key-value bucket {@value #SPEND_BUCKET}, key {@code spend.<budget>}: the control
 *     plane's totals from the request log, per counter, window and replica, so that a replica starting mid-period
 *     starts from the period's spend ({@link LimitCounters#seedSpent}). {@link #encodeSpend} / {@link #decodeSpend}.</li>
 * <li><b>Threshold events</b>: a plane publishes each {@link ThresholdCrossing} to the telemetry stream on
 *     {@value #EVENTS_SUBJECT} with {@code Nats-Msg-Id} = {@link ThresholdCrossing#id()}, the same on every replica,
 *     so the stream keeps one; the control plane records it with the audit events and posts it to the budget's
 *     {@code alert_webhook}, taken from its own config (a webhook URL may carry a token: it never travels with the
 *     event, nor is it stored).
 *     {@link #encodeEvent} / {@link #decodeEvent}.</li>
 * </ul>
 */
public final class LimitsWire {

    public static final String COUNTS_SUBJECT_PREFIX = "switchboard.limits.counts.";
    public static final String SPEND_BUCKET = "switchboard-limits";
    public static final String SPEND_KEY_PREFIX = "spend.";
    public static final String EVENTS_SUBJECT = "switchboard.telemetry.limit_events";

    /**
     * Columns of the control plane's {@code limit_events} table, in table order: the fields of {@link #encodeEvent},
     * {@code at} being {@code at_ms} as a UTC {@code DateTime} (as in {@code TelemetryWire}).
     */
    public static final List<String> EVENT_COLUMNS = List.of("event_id", "at", "at_ms", "replica", "kind", "counter",
            "budget", "member", "percent", "spent_usd", "limit_usd", "window_start_ms", "period_end_ms");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private LimitsWire() {
    }

    /** One replica's message of counts. */
    public record Counts(String replica, long sentAtMs, List<CounterReport> reports) {
    }

    /** One spent total: what {@code replica} spent on the counter in the window starting at {@code windowStart}. */
    public record Spent(CounterKey key, long windowStart, String replica, long spentMicroUsd) {
    }

    public static String countsSubject(String plane) {
        return COUNTS_SUBJECT_PREFIX + plane;
    }

    public static String spendKey(String budget) {
        return SPEND_KEY_PREFIX + budget;
    }

    public static byte[] encodeCounts(Counts counts) {
        ObjectNode root = JSON.createObjectNode().put("replica", counts.replica()).put("sent_at_ms", counts.sentAtMs());
        ArrayNode reports = root.putArray("reports");
        for (CounterReport r : counts.reports()) {
            reports.addObject().put("key", r.key().wire()).put("window_start", r.windowStart())
                    .put("requests", r.requests()).put("tokens", r.tokens()).put("input_tokens", r.inputTokens())
                    .put("output_tokens", r.outputTokens()).put("spent_micro_usd", r.spentMicroUsd());
        }
        return bytes(root);
    }

    /** @throws IllegalArgumentException for a message that is not one */
    public static Counts decodeCounts(byte[] message) {
        JsonNode root = read(message);
        List<CounterReport> reports = new ArrayList<>();
        for (JsonNode r : root.path("reports")) {
            reports.add(new CounterReport(CounterKey.parse(r.path("key").asText()), r.path("window_start").asLong(),
                    r.path("requests").asLong(), r.path("tokens").asLong(), r.path("input_tokens").asLong(),
                    r.path("output_tokens").asLong(), r.path("spent_micro_usd").asLong()));
        }
        return new Counts(text(root, "replica"), root.path("sent_at_ms").asLong(), reports);
    }

    public static byte[] encodeSpend(long computedAtMs, List<Spent> spent) {
        ObjectNode root = JSON.createObjectNode().put("computed_at_ms", computedAtMs);
        ArrayNode entries = root.putArray("spent");
        for (Spent s : spent) {
            entries.addObject().put("key", s.key().wire()).put("window_start", s.windowStart())
                    .put("replica", s.replica()).put("spent_micro_usd", s.spentMicroUsd());
        }
        return bytes(root);
    }

    public static List<Spent> decodeSpend(byte[] value) {
        List<Spent> out = new ArrayList<>();
        for (JsonNode s : read(value).path("spent")) {
            out.add(new Spent(CounterKey.parse(s.path("key").asText()), s.path("window_start").asLong(),
                    text(s, "replica"), s.path("spent_micro_usd").asLong()));
        }
        return out;
    }

    /** A threshold event as one {@code JSONEachRow} row of the control plane's {@code limit_events} table. */
    public static byte[] encodeEvent(ThresholdCrossing c, String replica, long atMs) {
        ObjectNode row = JSON.createObjectNode().put("event_id", c.id())
                .put("at", DATE_TIME.format(Instant.ofEpochMilli(atMs))).put("at_ms", atMs).put("replica", replica)
                .put("kind", "budget_threshold").put("counter", c.key().wire()).put("budget", c.key().rule())
                .put("member", c.key().member()).put("percent", c.percent()).put("spent_usd", c.spentUsd())
                .put("limit_usd", c.limitUsd()).put("window_start_ms", c.windowStart().toEpochMilli())
                .put("period_end_ms", c.periodEnd().toEpochMilli());
        return bytes(row);
    }

    public static JsonNode decodeEvent(byte[] row) {
        return read(row);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return v.asText();
    }

    private static JsonNode read(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
