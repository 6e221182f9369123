package dev.switchboard.mcpgateway.support;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import dev.switchboard.mcpgateway.auth.McpRejections;
import dev.switchboard.mcpgateway.http.McpGateway;
import dev.switchboard.mcpgateway.runtime.McpSettings;
import dev.switchboard.mcpgateway.session.SessionCodec;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.telemetry.ToolCallSpans;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.runtime.auth.BearerAuthenticator;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.runtime.webhook.VertxWebhookClient;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A whole MCP gateway with a config of its own, for the tests of guardrails, approvals and the audit trail: the plain
 * {@link McpGateway} on its own Vert.x and port, with the real webhook client, an approval timeout of the test's
 * choosing, its audit buffer in reach, and its spans kept in memory by the OpenTelemetry SDK.
 */
public final class GovernedGateway implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final VertxWebhookClient webhooks;
    private final BearerAuthenticator authenticator;
    private final McpGateway gateway;
    private final HttpServer server;
    private final RowQueue<ToolCallRecord> audit = new RowQueue<ToolCallRecord>(1000);
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel;

    public GovernedGateway(String yaml, Duration approvalTimeout) {
        Clock clock = Clock.systemUTC();
        webhooks = new VertxWebhookClient(vertx, 2000);
        McpState state = McpState.prepare(ConfigCodec.loadYaml(yaml, 1, Instant.now()),
                SecretResolver.fromProcess(null), webhooks);
        McpSettings settings = new McpSettings(Optional.empty(), List.of(), List.of(), McpTestResource.MAX_BODY_SIZE,
                Duration.ofHours(1), 2000, 5000, 100);
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        authenticator = new BearerAuthenticator(vertx, clock, Duration.ZERO, McpRejections.INSTANCE);
        gateway = new McpGateway(vertx, settings, () -> state, authenticator,
                new SessionCodec(SessionCodec.randomKey(), clock), audit, clock, new ToolCallSpans(otel),
                approvalTimeout, new LimitCounters(clock, "governed-gateway"), new SimpleMeterRegistry(), null);
        Router router = Router.router(vertx);
        gateway.register(router);
        try {
            server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the gateway", e);
        }
    }

    /** Shares this gateway's approvals over the NATS at {@code natsUrl}, as the replica {@code replicaId}. */
    public void shareApprovals(String natsUrl, String bucket, String subjectPrefix, String replicaId) {
        gateway.shareApprovals(natsUrl, bucket, subjectPrefix, replicaId);
    }

    /** Whether the shared approvals reach NATS now. */
    public boolean approvalsShared() {
        return gateway.approvalsShared();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The audit records so far, taken out of the buffer; waits a little for the last call's record. */
    public List<ToolCallRecord> drainAudit(int expected) {
        List<ToolCallRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (records.size() < expected && System.nanoTime() < deadline) {
            records.addAll(audit.drain(Integer.MAX_VALUE));
            if (records.size() < expected) {
                sleep(20);
            }
        }
        records.addAll(audit.drain(Integer.MAX_VALUE));
        return records;
    }

    public InMemorySpanExporter spans() {
        return spans;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        gateway.close();
        authenticator.close();
        webhooks.close();
        otel.close();
        vertx.close();
    }
}
