package dev.switchboard.controlplane.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.support.ClickHouseHttp;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.telemetry.Telemetry;
import dev.switchboard.controlplane.telemetry.TelemetryKind;
import dev.switchboard.model.telemetry.JsonRow;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.model.telemetry.RequestLogRows;
import dev.switchboard.model.telemetry.TelemetryWire;
import dev.switchboard.runtime.tracing.RequestSpans;
import dev.switchboard.runtime.tracing.SpanEncoding;
import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.resources.Resource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane forwards both ways spans reach it to its OTLP collector (a real receiver over HTTP/protobuf): the
 * spans the planes encoded ({@link TelemetryWire#SPANS}, as they came) and the gateway's spans it makes from traced
 * request-log rows ({@link TelemetryWire#REQUEST_LOGS}); the traced row is stored with its {@code trace} all the same,
 * and an untraced row makes no span.
 */
@QuarkusTest
@TestProfile(SpanForwardingTest.WithCollector.class)
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class SpanForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    static OtlpReceiver collector;
    static Connection nc;

    public static class WithCollector implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (collector == null) {
                collector = OtlpReceiver.http();
            }
            return Map.of("switchboard.traces.otlp.endpoint", collector.endpoint(),
                    "switchboard.traces.consumer", "span-forwarding-test-" + UUID.randomUUID());
        }
    }

    @Inject
    SpanForwarding forwarding;

    @BeforeAll
    static void connect() throws Exception {
        nc = Nats.connect(ControlPlaneTestStack.natsUrl);
        Telemetry.ensureStream(nc);
        Telemetry.awaitTables();
    }

    @AfterAll
    static void close() throws Exception {
        nc.close();
        collector.close();
        collector = null;
    }

    @Test
    void spansFromBothLanesReachTheCollectorAndTracedRowsAreStored() throws Exception {
        assertNotNull(forwarding.relay());
        assertNotNull(forwarding.requestLogRelay());
        String run = "sf-" + UUID.randomUUID();
        RequestLog traced = log(run + "-traced", true);
        RequestLog encoded = log(run + "-encoded", true);
        String tracedId = traceId(traced);
        String encodedId = traceId(encoded);

        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        JsonRow row = new JsonRow(1024).begin();
        RequestLogRows.write(traced, "gw-sf", row, true);
        row.string(TelemetryWire.EVENT_ID, run + "-1");
        rows.writeBytes(row.end());
        rows.write('\n');
        ObjectNode untraced = Telemetry.requestLog(run + "-untraced", "user:bob", "gpt-4o", Instant.now(), 200);
        rows.writeBytes(Telemetry.body(List.of(untraced)));
        Telemetry.publish(nc, Telemetry.subject(TelemetryKind.REQUEST_LOGS), run + "-rows", rows.toByteArray());
        Telemetry.publish(nc, ControlPlaneTestStack.telemetryPrefix + "spans", run + "-spans",
                SpanEncoding.encode(new RequestSpans(Resource.empty()).of(encoded)));

        List<OtlpReceiver.Received> made = await("the spans made from the traced row",
                () -> Optional.of(collector.spansOfTrace(tracedId)).filter(s -> s.size() >= 2));
        assertEquals(2, made.size(), "a server span and the attempt's client span");
        OtlpReceiver.Received server = made.stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst().orElseThrow();
        assertEquals("chat assistant", server.span().getName());
        assertEquals("switchboard-gateway-plane", server.resourceString("service.name"));
        assertEquals("gw-sf", server.resourceString("service.instance.id"), "the row's instance");
        assertEquals(run + "-traced", server.string("switchboard.request_id"));
        assertEquals("gpt-4o", server.string("gen_ai.response.model"));
        await("the spans the plane encoded", () -> Optional.of(collector.spansOfTrace(encodedId))
                .filter(s -> s.size() >= 2));

        String stored = await("the traced row in ClickHouse", () -> Optional.of(query(
                "SELECT trace FROM " + Telemetry.table(TelemetryKind.REQUEST_LOGS) + " WHERE request_id = '"
                        + run + "-traced' FORMAT TabSeparatedRaw").trim()).filter(t -> !t.isEmpty()));
        assertTrue(stored.contains("\"trace_id\":\"" + tracedId + "\""), stored);
        assertTrue(collector.spans().stream().noneMatch(s -> (run + "-untraced").equals(
                s.string("switchboard.request_id"))), "an untraced row makes no span");
    }

    private static RequestLog log(String id, boolean traced) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long start = Instant.now().toEpochMilli() * 1_000_000;
        return new RequestLog(id, Instant.ofEpochMilli(start / 1_000_000), "user:alice", "", "api_key:alice-key",
                "/v1/chat/completions", "assistant", "acct/gpt-4o", false, 200, null, 12.5, 3.0, 10, 20, 1.0, 0.25,
                List.of(new RequestLog.Attempt("acct/gpt-4o", 200, 10, "openai", r.nextLong() | 1, start + 1000)),
                List.of(), Map.of(), List.of(), null, traced ? new RequestLog.Trace(r.nextLong() | 1, r.nextLong(), 0,
                r.nextLong() | 1, start, "assistant", -1, Double.NaN, "chatcmpl-1", "gpt-4o", "stop") : null, null);
    }

    private static String query(String sql) {
        try {
            return ClickHouseHttp.run(sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String traceId(RequestLog log) {
        return String.format("%016x%016x", log.trace().traceHigh(), log.trace().traceLow());
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            Optional<T> v;
            try {
                v = probe.get();
            } catch (RuntimeException e) {
                v = Optional.empty();
            }
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
