package dev.switchboard.mcpgateway.guardrail;

import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.model.guardrail.WebhookClient;
import dev.switchboard.runtime.webhook.VertxWebhookClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The Quarkus application wires the approval API, the webhook client and a span per tool call. */
@QuarkusTest
class QuarkusWiringTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    WebhookClient webhooks;

    @Test
    void everyToolCallHasASpanUnderItsHttpRequest() {
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", BOB_KEY);
        spans.reset();
        mcp.call("alpha", BOB_KEY, session, "echo", "{\"message\":\"traced\"}");
        SpanData tool = await(s -> s.getName().equals("tools/call echo"));
        assertEquals("user:bob", tool.getAttributes().get(AttributeKey.stringKey("switchboard.subject")));
        assertEquals("ok", tool.getAttributes().get(AttributeKey.stringKey("switchboard.outcome")));
        // the request's span ends after the answer is written, a little after the tool call's
        SpanData request = await(s -> s.getSpanId().equals(tool.getParentSpanId()));
        assertEquals(tool.getTraceId(), request.getTraceId());
        assertEquals("POST /mcp/v1/:server/mcp", request.getName());
    }

    @Test
    void theApprovalApiIsServedAndOnlyForApprovers() {
        ApprovalClient api = new ApprovalClient(new McpHttp(root).base());
        assertEquals(403, api.list(BOB_KEY).status(), "bob approves nothing in the test config");
        assertEquals(401, api.list(null).status());
    }

    @Test
    void webhookGuardrailsGetTheVertxClient() {
        assertInstanceOf(VertxWebhookClient.class, webhooks);
    }

    private SpanData await(Predicate<SpanData> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (SpanData s : spans.getFinishedSpanItems()) {
                if (wanted.test(s)) {
                    return s;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no such span among " + spans.getFinishedSpanItems());
    }
}
