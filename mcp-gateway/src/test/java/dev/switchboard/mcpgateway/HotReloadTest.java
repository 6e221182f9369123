package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The standalone config file is re-read when it changes; a broken edit is refused and the old config keeps serving. */
@QuarkusTest
class HotReloadTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void anEditedPolicyAppliesWithoutARestartAndABrokenEditIsRefused() throws Exception {
        McpHttp mcp = new McpHttp(root);
        String original = Files.readString(McpTestResource.configFile);
        String session = mcp.initialize("alpha", BOB_KEY);
        BooleanSupplier bobMayCallProgress = () -> mcp.post("alpha", headers(BOB_KEY, session), request(1, "tools/call",
                "{\"name\":\"progress\",\"arguments\":{}}")).message().has("result");
        try {
            Files.writeString(McpTestResource.configFile, original.replace("allow: [echo, whoami]",
                    "allow: [echo, whoami, progress]"));
            waitUntil(bobMayCallProgress);
            Files.writeString(McpTestResource.configFile, original + "\nnot_a_field: 1\n");
            Thread.sleep(500);
            assertTrue(bobMayCallProgress.getAsBoolean(), "a refused edit keeps the last good config");
        } finally {
            Files.writeString(McpTestResource.configFile, original);
        }
        waitUntil(() -> !bobMayCallProgress.getAsBoolean());
        assertEquals(200, mcp.call("alpha", BOB_KEY, session, "echo", "{\"message\":\"x\"}").status());
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the config change was not applied within 10 s");
            }
            Thread.sleep(50);
        }
    }
}
