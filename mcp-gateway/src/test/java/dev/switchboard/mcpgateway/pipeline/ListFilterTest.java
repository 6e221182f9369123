package dev.switchboard.mcpgateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.access.ToolAccess;
import dev.switchboard.model.access.ToolGrant;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lists keep what the caller may use; requests about anything else are refused before they reach the upstream. */
class ListFilterTest {

    private final ToolGrant grant = ToolAccess.of(ConfigCodec.readYaml("""
            users: [{name: a}]
            mcp_servers: [{name: docs, url: "http://127.0.0.1:1/mcp"}]
            tool_policies:
              - name: p
                subjects: [user:a]
                server: docs
                allow: [search]
                allow_resources: ["file:///pub/*"]
                deny_resources: ["file:///pub/x*"]
                allow_prompts: [summary]
            """)).grant(SubjectRef.user("a"), List.of(), "docs");

    private static McpReply reply(String json) {
        try {
            return McpReply.of((ObjectNode) Json.read(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonRpcMessage message(String json) {
        return JsonRpcMessage.parse(json.getBytes());
    }

    private static List<String> values(McpReply r, String list, String key) {
        List<String> out = new ArrayList<>();
        r.message().path("result").path(list).forEach(i -> out.add(i.path(key).asText()));
        return out;
    }

    @Test
    void eachListIsFilteredByItsOwnKey() {
        assertEquals(List.of("search"), values(ListFilter.filter("tools/list", reply(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"search\"},{\"name\":\"drop\"}]}}"),
                grant), "tools", "name"));
        McpReply resources = ListFilter.filter("resources/list", reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                + "{\"resources\":[{\"uri\":\"file:///pub/a\"},{\"uri\":\"file:///pub/x1\"},{\"uri\":\"file:///etc/p\"},"
                + "{\"name\":\"no uri\"}],\"nextCursor\":\"c2\"}}"), grant);
        assertEquals(List.of("file:///pub/a"), values(resources, "resources", "uri"));
        assertEquals("c2", resources.message().path("result").path("nextCursor").asText(), "paging is kept");
        assertEquals(List.of("file:///pub/{name}"), values(ListFilter.filter("resources/templates/list", reply(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"resourceTemplates\":[{\"uriTemplate\":\"file:///pub/{name}\"},"
                        + "{\"uriTemplate\":\"file:///etc/{name}\"}]}}"), grant), "resourceTemplates", "uriTemplate"));
        assertEquals(List.of("summary"), values(ListFilter.filter("prompts/list", reply(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"prompts\":[{\"name\":\"summary\"},{\"name\":\"other\"}]}}"),
                grant), "prompts", "name"));
    }

    @Test
    void anErrorOrAnotherMethodsAnswerIsLeftAsItIs() {
        McpReply error = reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"no\"}}");
        assertEquals(error, ListFilter.filter("resources/list", error, grant));
        McpReply other = reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"drop\"}]}}");
        assertEquals(other, ListFilter.filter("ping", other, grant));
    }

    @Test
    void requestsAboutForbiddenResourcesOrPromptsAreRefused() {
        McpError read = ListFilter.refusal(message(
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///etc/p\"}}"),
                grant, "docs");
        assertEquals("resource_not_permitted", read.reason());
        assertEquals(4, read.id().asInt());
        assertEquals("prompt_not_permitted", ListFilter.refusal(message(
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"prompts/get\",\"params\":{\"name\":\"other\"}}"), grant,
                "docs").reason());
        assertEquals("invalid_params", ListFilter.refusal(message(
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"prompts/get\",\"params\":{}}"), grant, "docs").reason());
        assertEquals("prompt_not_permitted", ListFilter.refusal(message("{\"jsonrpc\":\"2.0\",\"id\":4,"
                + "\"method\":\"completion/complete\",\"params\":{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"other\"}}}"),
                grant, "docs").reason());
        assertNull(ListFilter.refusal(message(
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///pub/a\"}}"),
                grant, "docs"));
        assertNull(ListFilter.refusal(message("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/unsubscribe\","
                + "\"params\":{\"uri\":\"file:///etc/p\"}}"), grant, "docs"), "unsubscribing is always fine");
    }

    @Test
    void aFilteredAnswerIsACopy() {
        McpReply original = reply("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"prompts\":[{\"name\":\"other\"}]}}");
        ListFilter.filter("prompts/list", original, grant);
        JsonNode prompts = original.message().path("result").path("prompts");
        assertEquals(1, prompts.size());
    }
}
