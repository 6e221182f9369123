package dev.switchboard.mcpgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = McpTestResource.class, restrictToAnnotatedClass = false)
class HealthTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void livenessAndReadinessAnswerUp() {
        McpHttp mcp = new McpHttp(root);
        McpHttp.Reply live = mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/q/health/live")).build());
        assertEquals("UP", live.json().path("status").asText(), live.body());
        McpHttp.Reply ready = mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/q/health/ready")).build());
        assertEquals("UP", ready.json().path("status").asText(), ready.body());
        // found by name: Quarkus adds its own "Graceful Shutdown" check (quarkus.shutdown.delay-enabled)
        JsonNode check = null;
        for (JsonNode c : ready.json().path("checks")) {
            if ("config".equals(c.path("name").asText())) {
                check = c;
            }
        }
        assertTrue(check != null, ready.body());
        assertTrue(check.path("data").path("revision").asInt() >= 1, ready.body());
    }
}
