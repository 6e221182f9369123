package dev.switchboard.mcpgateway.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRpcMessageTest {

    private static JsonRpcMessage parse(String json) {
        return JsonRpcMessage.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static int code(String json) {
        return assertThrows(McpError.class, () -> parse(json)).code();
    }

    @Test
    void requestsNotificationsAndResponsesAreTold() {
        assertEquals(JsonRpcMessage.Kind.REQUEST, parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").kind());
        assertEquals(JsonRpcMessage.Kind.NOTIFICATION,
                parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").kind());
        assertEquals(JsonRpcMessage.Kind.RESPONSE, parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}").kind());
        assertEquals(JsonRpcMessage.Kind.RESPONSE,
                parse("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-1,\"message\":\"no\"}}").kind());
    }

    @Test
    void idsKeepTheirExactForm() {
        assertEquals("12345678901234567890", parse("{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"ping\"}")
                .id().toString());
    }

    @Test
    void badMessagesGetTheCodesTheSpecNames() {
        assertEquals(McpError.PARSE_ERROR, code("{"));
        assertEquals(McpError.PARSE_ERROR, code("{} {}"));
        // valid JSON, but no BigDecimal holds the number (found by JsonRpcFuzzTest)
        assertEquals(McpError.PARSE_ERROR, code("{\"jsonrpc\":\"2.0\",\"id\":0e" + "9".repeat(85) + ",\"method\":\"ping\"}"));
        assertEquals(McpError.INVALID_REQUEST, code("[]"));
        assertEquals(McpError.INVALID_REQUEST, code("\"text\""));
        assertEquals(McpError.INVALID_REQUEST, code("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}"));
        assertEquals(McpError.INVALID_REQUEST, code("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}"));
        assertEquals(McpError.INVALID_REQUEST, code("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}"));
        assertEquals(McpError.INVALID_REQUEST, code("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}"));
        assertEquals(McpError.INVALID_REQUEST, code("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}"));
    }
}
