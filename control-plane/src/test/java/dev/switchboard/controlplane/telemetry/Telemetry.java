package dev.switchboard.controlplane.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import io.nats.client.Connection;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Rows and messages as the planes publish them (TelemetryWire), for the tests. */
public final class Telemetry {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter CH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Put into rows so that a log scan finds it if a row ever reaches the log. */
    static final String ROW_SECRET = "sk-row-secret-9f3a";

    private Telemetry() {
    }

    public static String subject(TelemetryKind kind) {
        return ControlPlaneTestStack.telemetryPrefix + kind.table();
    }

    public static ObjectNode requestLog(String id, String subject, String model, Instant at, int status) {
        ObjectNode r = JSON.createObjectNode();
        r.put("request_id", id);
        r.put("started_at", CH_TIME.format(at));
        r.put("started_at_ms", at.toEpochMilli());
        r.put("instance", "gw-1");
        r.put("subject", subject);
        r.put("team", "");
        r.put("credential", "key:" + ROW_SECRET);
        r.put("endpoint", "/v1/chat/completions");
        r.put("requested_model", model);
        r.put("resolved_model", "acct/" + model);
        r.put("stream", 1);
        r.put("status", status);
        r.putNull("error_code");
        r.put("latency_ms", 12.5);
        r.put("time_to_first_token_ms", 3.25);
        r.put("prompt_tokens", 10);
        r.put("completion_tokens", 20);
        r.put("time_per_output_token_ms", 0.5);
        r.put("cost_usd", 0.0012);
        r.put("attempts", "[{\"target\":\"acct/" + model + "\",\"status\":" + status + ",\"latency_ms\":12.0}]");
        r.put("guardrails", "[]");
        r.putArray("metadata_keys");
        r.putArray("metadata_values");
        return r;
    }

    public static ObjectNode toolCall(String id, String subject, String server, String tool, String outcome, Instant at) {
        ObjectNode r = JSON.createObjectNode();
        r.put("request_id", id);
        r.put("at", CH_TIME.format(at));
        r.put("at_ms", at.toEpochMilli());
        r.put("instance", "mcp-1");
        r.put("session_id", "s-1");
        r.put("subject", subject);
        r.put("credential", "key:" + ROW_SECRET);
        r.put("endpoint", "/mcp");
        r.put("server", server);
        r.put("tool", tool);
        r.put("latency_us", 1234);
        r.put("outcome", outcome);
        r.putNull("error");
        r.put("request", "{\"path\":\"/tmp/a\",\"token\":\"" + ROW_SECRET + "\"}");
        r.put("request_truncated", 0);
        r.putNull("request_withheld");
        r.put("response", "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}");
        r.put("response_truncated", 0);
        r.putNull("response_withheld");
        r.put("guardrails", "[{\"hook\":\"mcp_pre_tool\",\"outcome\":\"pass\",\"blocked\":false}]");
        r.put("approval", "{\"decision\":\"approved\",\"by\":\"user:bob\"}");
        return r;
    }

    /** Rows as a JSONEachRow body. */
    public static byte[] body(List<ObjectNode> rows) {
        StringBuilder out = new StringBuilder();
        rows.forEach(r -> out.append(r).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static PublishAck publish(Connection nc, String subject, String msgId, byte[] body) throws Exception {
        Headers headers = new Headers().add("Nats-Msg-Id", msgId);
        return nc.jetStream().publish(NatsMessage.builder().subject(subject).headers(headers).data(body).build());
    }

    /** The stream as the publishers create it, unless the writer has already. */
    public static void ensureStream(Connection nc) throws Exception {
        TelemetryWriter.ensureStream(nc.jetStreamManagement(), ControlPlaneTestStack.telemetryStream,
                ControlPlaneTestStack.telemetryPrefix, 1);
    }

    public static String table(TelemetryKind kind) {
        return ControlPlaneTestStack.clickhouseDatabase + "." + kind.table();
    }

    public static long count(TelemetryKind kind, String where) throws Exception {
        return ClickHouseHttp.count("SELECT count() FROM " + table(kind) + " WHERE " + where);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    public static long countQuietly(TelemetryKind kind, String where) {
        try {
            return count(kind, where);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits until the writer has created the tables, the rollups and their backfill included. */
    public static void awaitTables() throws InterruptedException {
        dev.switchboard.controlplane.support.TelemetrySchemaReady.await();
    }
}
