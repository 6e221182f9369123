package dev.switchboard.mcpgateway.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.pipeline.McpExchange;
import dev.switchboard.mcpgateway.pipeline.ToolCall;
import dev.switchboard.mcpgateway.pipeline.ToolCallInterceptor;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.secret.SecretResolver;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two guardrail steps alone, with an upstream that records what reached it. */
class GuardrailStepsTest {

    private static final McpState STATE = McpState.prepare(ConfigCodec.loadYaml("""
            users: [{name: erin}]
            mcp_servers: [{name: db, url: "http://127.0.0.1:1/mcp"}]
            tool_policies: [{name: p, subjects: [user:erin], server: db}]
            guardrails:
              - {name: mask-in, type: pii, hooks: [mcp_pre_tool], tools: [echo], pii: {detect: [email], redact: mask}}
              - {name: mask-out, type: pii, hooks: [mcp_post_tool], tools: [echo], pii: {detect: [email], redact: mask}}
            """, 1, Instant.EPOCH), SecretResolver.fromProcess(null));

    private final List<ToolCall> reached = new ArrayList<>();

    private ToolCall call(String tool, String arguments) throws IOException {
        Principal erin = new Principal(SubjectRef.user("erin"), List.of(), "api_key:k");
        ObjectNode params = Json.MAPPER.createObjectNode().put("name", tool);
        params.set("arguments", Json.read(arguments));
        ObjectNode request = JsonRpcMessage.request(Json.MAPPER.getNodeFactory().numberNode(1), "tools/call", params);
        McpExchange ex = new McpExchange(STATE, "db", erin, null, null, "r1", System.nanoTime());
        return new ToolCall(ex, "db", tool, STATE.access().grant(erin.subject(), List.of(), "db"), request);
    }

    /** An upstream that echoes the {@code text} argument. */
    private Future<McpReply> upstream(ToolCall c) {
        reached.add(c);
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", c.arguments().path("text").asText());
        return Future.succeededFuture(McpReply.of(JsonRpcMessage.result(c.id(), result)));
    }

    private McpReply run(ToolCall call) {
        return ToolCallInterceptor.run(List.of(new PreToolGuardrails(), new PostToolGuardrails()), call, this::upstream)
                .toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void withNoGuardrailForTheToolTheSameCallGoesOnAndTheReplyComesBackAsItWas() throws IOException {
        ToolCall call = call("lookup", "{\"text\":\"mail a@example.com\"}");
        McpReply reply = run(call);
        assertSame(call, reached.get(0));
        assertEquals("mail a@example.com", reply.message().path("result").path("content").get(0).path("text").asText());
    }

    @Test
    void aRedactionSendsANewRequestOnAndLeavesTheCallersUntouched() throws IOException {
        ToolCall call = call("echo", "{\"text\":\"mail a@example.com\",\"n\":1}");
        String before = call.request().toString();
        McpReply reply = run(call);
        ToolCall sent = reached.get(0);
        assertNotSame(call.request(), sent.request());
        assertEquals(before, call.request().toString());
        assertEquals("mail *************", sent.arguments().path("text").asText());
        assertEquals(1, sent.arguments().path("n").asInt());
        assertEquals("echo", sent.request().path("params").path("name").asText());
        assertSame(call.notes(), sent.notes());
        assertTrue(reply.message().path("result").path("content").get(0).path("text").asText().endsWith("*"));
    }
}
