package dev.switchboard.model.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The contract between the MCP gateway replicas, which hold tool calls waiting for approval, and whoever decides them
 * (another replica, the control plane's console):
 * <ul>
 *   <li>each held call is announced in the JetStream key-value bucket {@value #BUCKET_DEFAULT} (by default) under its
 *       id (hex), as an {@link Entry}: the replica holding it, the call, and once settled, how ({@link Settled});</li>
 *   <li>a decision is a NATS request ({@link DecideRequest}) on {@code <prefix>.decide.<holder>} ({@link #decideSubject});
 *       the holder settles the call (it resumes where its caller waits) and answers with a {@link DecideReply}.</li>
 * </ul>
 * Who may decide is checked by whoever sends the decision; the holder trusts its NATS as it trusts the config it gets.
 */
public final class ApprovalWire {

    public static final String BUCKET_DEFAULT = "switchboard-approvals";
    public static final String SUBJECT_PREFIX_DEFAULT = "switchboard.approvals";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A held call as the bucket has it; {@code settled} is null while it waits. No session id: it stays with the holder. */
    public record Entry(String id, String holder, String subject, String credential, String endpoint, String server,
                        String tool, JsonNode arguments, List<String> approvers, String channel, Instant createdAt,
                        Instant expiresAt, Settled settled) {

        public Entry {
            approvers = List.copyOf(approvers);
            arguments = arguments == null ? NullNode.getInstance() : arguments;
        }

        public boolean pending() {
            return settled == null;
        }
    }

    /** How a call was settled: {@code approved}, {@code denied}, {@code timeout} or {@code cancelled}; by whom. */
    public record Settled(String decision, String decidedBy, Instant decidedAt, String reason) {
    }

    /** A decision sent to the holder: {@code by} names the decider as the audit records them. */
    public record DecideRequest(String id, String by, boolean approve, String reason) {
    }

    /** The holder's answer: what a decision came to, and the decision in force (null when unknown). */
    public record DecideReply(Result result, Settled decision) {
    }

    /** {@code applied}: this decision settled the call; {@code settled}: it was settled before; {@code unknown}. */
    public enum Result {
        APPLIED, SETTLED, UNKNOWN;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private ApprovalWire() {
    }

    /** The subject the replica {@code holder} takes decisions on. */
    public static String decideSubject(String subjectPrefix, String holder) {
        String prefix = subjectPrefix.endsWith(".") ? subjectPrefix.substring(0, subjectPrefix.length() - 1)
                : subjectPrefix;
        return prefix + ".decide." + holder;
    }

    /** A replica id as one subject token: letters, digits, '-' and '_' only. */
    public static String holderToken(String replicaId) {
        return replicaId.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** Ids are hex; anything else is no key of the bucket. */
    public static boolean validKey(String id) {
        return id != null && !id.isEmpty() && id.length() <= 64
                && id.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }

    public static byte[] encode(Entry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        o.put("holder", e.holder());
        o.put("subject", e.subject());
        o.put("credential", e.credential());
        o.put("endpoint", e.endpoint());
        o.put("server", e.server());
        o.put("tool", e.tool());
        o.set("arguments", e.arguments());
        ArrayNode approvers = o.putArray("approvers");
        e.approvers().forEach(approvers::add);
        o.put("channel", e.channel());
        o.put("created_at", e.createdAt().toString());
        o.put("expires_at", e.expiresAt().toString());
        if (e.settled() != null) {
            o.set("settled", json(e.settled()));
        }
        return bytes(o);
    }

    /** An entry of the bucket; fails with {@link IllegalArgumentException} when it is not one. */
    public static Entry decodeEntry(byte[] data) {
        JsonNode o = read(data);
        List<String> approvers = new ArrayList<>();
        o.path("approvers").forEach(a -> approvers.add(a.asText()));
        return new Entry(required(o, "id"), required(o, "holder"), required(o, "subject"),
                o.path("credential").asText(null), o.path("endpoint").asText(null), o.path("server").asText(null),
                o.path("tool").asText(null), o.path("arguments"), approvers, o.path("channel").asText("api"),
                instant(o, "created_at"), instant(o, "expires_at"),
                o.hasNonNull("settled") ? settled(o.get("settled")) : null);
    }

    public static byte[] encode(DecideRequest r) {
        return bytes(JSON.createObjectNode().put("id", r.id()).put("by", r.by()).put("approve", r.approve())
                .put("reason", r.reason()));
    }

    public static DecideRequest decodeRequest(byte[] data) {
        JsonNode o = read(data);
        return new DecideRequest(o.path("id").asText(null), o.path("by").asText(null),
                o.path("approve").asBoolean(false), o.path("reason").isTextual() ? o.path("reason").asText() : null);
    }

    public static byte[] encode(DecideReply r) {
        ObjectNode o = JSON.createObjectNode().put("result", r.result().wire());
        if (r.decision() != null) {
            o.set("decision", json(r.decision()));
        }
        return bytes(o);
    }

    public static DecideReply decodeReply(byte[] data) {
        JsonNode o = read(data);
        Result result = Result.valueOf(o.path("result").asText("unknown").toUpperCase(Locale.ROOT));
        return new DecideReply(result, o.hasNonNull("decision") ? settled(o.get("decision")) : null);
    }

    private static ObjectNode json(Settled s) {
        return JSON.createObjectNode().put("decision", s.decision()).put("decided_by", s.decidedBy())
                .put("decided_at", s.decidedAt().toString()).put("reason", s.reason());
    }

    private static Settled settled(JsonNode o) {
        return new Settled(required(o, "decision"), o.path("decided_by").asText(null), instant(o, "decided_at"),
                o.path("reason").asText(null));
    }

    private static String required(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v.asText();
    }

    private static Instant instant(JsonNode o, String field) {
        try {
            return Instant.parse(required(o, field));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an ISO-8601 instant", e);
        }
    }

    private static JsonNode read(byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("empty");
        }
        try {
            JsonNode o = JSON.readTree(data);
            if (o == null || !o.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return o;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(JsonNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
