package dev.switchboard.mcpgateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.limits.LimitCounters;
import dev.switchboard.model.secret.SecretResolver;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Tool calls under a rate limit: per server and tool, counted before the upstream, refused as JSON-RPC errors. */
class ToolCallLimitTest {

    private static final McpState STATE = McpState.prepare(ConfigCodec.loadYaml("""
            users: [{name: erin}]
            mcp_servers:
              - {name: db, url: "http://127.0.0.1:1/mcp"}
              - {name: docs, url: "http://127.0.0.1:2/mcp"}
            tool_policies:
              - {name: p, subjects: [user:erin], server: db}
              - {name: q, subjects: [user:erin], server: docs}
            rate_limits:
              - {name: sql-per-minute, subjects: [user:erin], mcp_servers: [db], tools: [run_sql], requests: 2, per: minute}
            """, 1, Instant.EPOCH), SecretResolver.fromProcess(null));

    private final LimitCounters counters =
            new LimitCounters(Clock.fixed(Instant.parse("2026-12-07T10:30:15Z"), ZoneOffset.UTC), "mcp-1");
    private final List<ToolCall> reached = new ArrayList<>();

    private ToolCall call(String server, String tool) {
        Principal erin = new Principal(SubjectRef.user("erin"), List.of(), "api_key:k");
        ObjectNode params = Json.MAPPER.createObjectNode().put("name", tool);
        ObjectNode request = JsonRpcMessage.request(Json.MAPPER.getNodeFactory().numberNode(7), "tools/call", params);
        McpExchange ex = new McpExchange(STATE, server, erin, null, null, "r1", System.nanoTime());
        return new ToolCall(ex, server, tool, STATE.access().grant(erin.subject(), List.of(), server), request);
    }

    private McpReply run(ToolCall call) {
        return ToolCallInterceptor.run(List.of(new ToolCallLimit(counters)), call, c -> {
            reached.add(c);
            return Future.succeededFuture(McpReply.of(JsonRpcMessage.result(c.id(), Json.MAPPER.createObjectNode())));
        }).toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void theThirdCallOfTheToolInAMinuteIsAJsonRpcErrorNamingTheRuleAndNeverReachesTheServer() {
        run(call("db", "run_sql"));
        run(call("db", "run_sql"));
        ToolCall third = call("db", "run_sql");
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> run(third));
        McpError error = assertInstanceOf(McpError.class, e.getCause());
        assertEquals(McpError.RATE_LIMITED, error.code());
        assertEquals(7, error.id().asInt(), "the error answers the call's own id");
        assertTrue(error.getMessage().contains("Rate limit 'sql-per-minute' reached: 2 tool calls per minute"),
                error.getMessage());
        assertTrue(error.getMessage().contains("2026-12-07T10:31:00Z"), error.getMessage());
        assertEquals("rate_limited", third.notes().outcome());
        assertEquals("sql-per-minute", third.notes().reason());
        assertEquals(2, reached.size());
    }

    @Test
    void otherToolsAndServersAreNotCounted() {
        for (int i = 0; i < 5; i++) {
            run(call("db", "describe"));
            run(call("docs", "run_sql"));
        }
        assertEquals(10, reached.size());
    }
}
