package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpTestResource.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.McpHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code JsonRpcFuzzTest}'s inputs (seeds, past findings, and the corpus a local fuzzing run left in
 * {@code .cifuzz-corpus/}) posted in a real session: never a 5xx, and every refusal a JSON-RPC error.
 */
@QuarkusTest
class FuzzInputsOverHttpTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void jsonRpcBodiesNeverGetA5xx() throws IOException {
        McpHttp mcp = new McpHttp(root);
        String session = mcp.initialize("alpha", ALICE_KEY);
        List<Path> dirs = List.of(
                Path.of("src/test/resources/dev/switchboard/mcpgateway/pipeline/JsonRpcFuzzTestInputs/postBody"),
                Path.of(".cifuzz-corpus/dev.switchboard.mcpgateway.pipeline.JsonRpcFuzzTest/postBody"));
        int sent = 0;
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String body = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                    McpHttp.Reply reply = mcp.post("alpha", headers(ALICE_KEY, session), body);
                    assertTrue(reply.status() < 500, () -> reply.status() + " for " + body + ": " + reply.body());
                    if (reply.status() >= 400) {
                        assertTrue(reply.body().contains("\"jsonrpc\":\"2.0\"") && reply.body().contains("\"error\""),
                                () -> body + ": " + reply.body());
                    }
                    sent++;
                }
            }
        }
        assertFalse(sent == 0, "no inputs");
    }
}
