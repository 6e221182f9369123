package dev.switchboard.mcpgateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import java.util.Set;
import org.junit.jupiter.api.Tag;

/**
 * A POST body of the MCP endpoint as the gateway reads it: one JSON-RPC message ({@link JsonRpcMessage#parse}), then
 * what the pipeline reads of it (id, method, params, an initialize's capabilities). Whatever the bytes, the only
 * exception is an {@link McpError} with a JSON-RPC error code and a 4xx status, which serializes; a message that
 * parses has the shape its kind promises. Seeds: {@code JsonRpcFuzzTestInputs/}.
 */
@Tag("fuzz")
class JsonRpcFuzzTest {

    private static final Set<Integer> PARSE_CODES = Set.of(-32700, -32600);

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/mcpgateway/fuzz/jsonrpc.dict")
    void postBody(byte[] body) {
        JsonRpcMessage message;
        try {
            message = JsonRpcMessage.parse(body);
        } catch (McpError refused) {
            assertTrue(PARSE_CODES.contains(refused.code()), () -> refused.code() + " " + refused.getMessage());
            assertEquals(400, refused.httpStatus());
            assertNotNull(refused.toJson().toString());
            return;
        }
        JsonNode id = message.id();
        switch (message.kind()) {
            case REQUEST -> {
                assertTrue(id.isTextual() || id.isIntegralNumber(), String.valueOf(id));
                assertTrue(!message.method().isEmpty());
                if ("initialize".equals(message.method())) {
                    ClientFeatures.kept(message.params());
                }
            }
            case NOTIFICATION -> assertEquals(null, id);
            case RESPONSE -> assertTrue(message.node().has("result") ^ message.isError());
        }
        assertTrue(message.params().isObject());
    }
}
