package dev.switchboard.runtime.tracing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.model.telemetry.RequestLogRows;
import dev.switchboard.runtime.Plane;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The spans the control plane makes from request-log rows ({@link RequestLogSpans}) are the spans the gateway would
 * have made from the same requests ({@link RequestSpans}): byte for byte in OTLP, over random requests with every field
 * set and unset (traced or not, from a caller's trace or not, attempts without a span, payloads, verdicts, odd texts).
 */
class RequestLogSpansTest {

    private static final String INSTANCE = "gw-7";
    private static final RequestSpans GATEWAY = new RequestSpans(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), Plane.GATEWAY.clientName(),
            AttributeKey.stringKey("service.instance.id"), INSTANCE)));

    @Test
    void theRowsMakeTheSpansTheGatewayWouldHaveMade() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int round = 0; round < 300; round++) {
            List<RequestLog> logs = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                logs.add(randomLog(random));
            }
            List<SpanData> expected = new ArrayList<>();
            for (RequestLog log : logs) {
                expected.addAll(GATEWAY.of(log));
            }
            byte[] made = new RequestLogSpans().otlp(rows(logs, true));
            if (expected.isEmpty()) {
                assertNull(made, "no traced row: nothing to send");
            } else {
                assertArrayEquals(SpanEncoding.encode(expected), made, "round " + round + ": " + logs);
            }
        }
    }

    @Test
    void rowsWithoutATraceMakeNoSpansAndAnUnreadableRowIsSkippedAndCounted() {
        SplittableRandom random = new SplittableRandom(7);
        RequestLog traced = randomLog(random);
        while (traced.trace() == null) {
            traced = randomLog(random);
        }
        RequestLogSpans spans = new RequestLogSpans();
        assertNull(spans.otlp(rows(List.of(traced, traced), false)), "the gateway wrote no trace: no spans");

        byte[] good = rows(List.of(traced), true);
        byte[] bad = "{\"request_id\":\"r\",\"trace\":\"{not json\"}\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(bad);
        both.writeBytes(good);
        assertArrayEquals(SpanEncoding.encode(GATEWAY.of(traced)), spans.otlp(both.toByteArray()));
        assertEquals(1, spans.unreadable());
    }

    @Test
    void aRowReadsBackAsTheRequestLogItWasWrittenFrom() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 500; i++) {
            RequestLog log = randomLog(random);
            byte[] row = rows(List.of(log), true);
            RequestLog read;
            try {
                read = RequestLogRows.read(new com.fasterxml.jackson.databind.ObjectMapper().readTree(row));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            assertEquals(log.startedAt().toEpochMilli(), read.startedAt().toEpochMilli());
            assertEquals(withStart(log, read.startedAt()), read, new String(row, StandardCharsets.UTF_8));
        }
    }

    /** What a row keeps of a log: its start to the millisecond; an attempt's span only when the request is traced. */
    private static RequestLog withStart(RequestLog l, Instant at) {
        List<RequestLog.Attempt> attempts = l.trace() != null ? l.attempts() : l.attempts().stream()
                .map(a -> new RequestLog.Attempt(a.target(), a.status(), a.latencyMs(), null, 0, 0)).toList();
        return new RequestLog(l.requestId(), at, l.subject(), l.team(), l.credential(), l.endpoint(),
                l.requestedModel(), l.resolvedModel(), l.stream(), l.status(), l.errorCode(), l.latencyMs(),
                l.timeToFirstTokenMs(), l.promptTokens(), l.completionTokens(), l.timePerOutputTokenMs(), l.costUsd(),
                attempts, l.guardrails(), l.metadata(), l.limitKeys(), l.limitRule(), l.trace(), l.payloads(),
                l.audioSeconds());
    }

    /** The rows as the gateway's publisher writes them (with the event id last), one per line. */
    private static byte[] rows(List<RequestLog> logs, boolean withTrace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RequestLog log : logs) {
            JsonRow row = new JsonRow(1024).begin();
            RequestLogRows.write(log, INSTANCE, row, withTrace);
            row.string("event_id", INSTANCE + "-1");
            out.writeBytes(row.end());
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static RequestLog randomLog(SplittableRandom r) {
        long start = 1_700_000_000_000_000_000L + r.nextLong(1_000_000_000_000L);
        List<RequestLog.Attempt> attempts = new ArrayList<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            attempts.add(new RequestLog.Attempt("acct/model-" + i, r.nextBoolean() ? 200 : r.nextBoolean() ? -1 : 503,
                    r.nextInt(100_000) / 1000.0, r.nextBoolean() ? "openai" : null, r.nextInt(4) == 0 ? 0 : r.nextLong(),
                    start + r.nextLong(1_000_000_000L)));
        }
        List<RequestLog.GuardrailVerdict> verdicts = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            verdicts.add(new RequestLog.GuardrailVerdict("llm_input", "g" + i, "pii", "enforce",
                    r.nextBoolean() ? "pass" : "violation", r.nextBoolean(), r.nextBoolean() ? null : "email \"x\"",
                    r.nextInt(1000) / 100.0));
        }
        RequestLog.Trace trace = r.nextInt(4) == 0 ? null : new RequestLog.Trace(r.nextLong(), r.nextLong(),
                r.nextBoolean() ? 0 : r.nextLong(), r.nextLong(), start, r.nextBoolean() ? "assistant" : null,
                r.nextBoolean() ? -1 : r.nextInt(4096), r.nextBoolean() ? Double.NaN : r.nextInt(200) / 100.0,
                r.nextBoolean() ? "chatcmpl-" + r.nextInt() : null, r.nextBoolean() ? "gpt-4o" : null,
                r.nextBoolean() ? "stop" : null);
        RequestLog.Payloads payloads = r.nextBoolean() ? null : new RequestLog.Payloads(
                "{\"messages\":[{\"content\":\"h\u00e9 \\u2028 \ud83d\ude00\"}]}", r.nextBoolean(), "Hi\nthere", r.nextBoolean());
        boolean failed = r.nextInt(3) == 0;
        return new RequestLog("req-" + r.nextInt(), Instant.ofEpochSecond(0, start), "user:alice",
                r.nextBoolean() ? "ml" : "", r.nextBoolean() ? "api_key:alice-key" : null, "/v1/chat/completions",
                "assistant", r.nextBoolean() ? "acct/model-1" : null, r.nextBoolean(), failed ? 429 : 200,
                failed ? "rate_limit_exceeded" : null, r.nextInt(1_000_000) / 1000.0,
                r.nextBoolean() ? -1 : r.nextInt(10_000) / 1000.0, r.nextInt(5000), r.nextInt(5000),
                r.nextInt(100) / 7.0, r.nextInt(1_000_000) / 1e7, attempts, verdicts,
                r.nextBoolean() ? Map.of() : Map.of("team", "ml"), List.of(), r.nextBoolean() ? "rpm" : null, trace,
                payloads, r.nextBoolean() ? -1 : r.nextInt(600));
    }
}
