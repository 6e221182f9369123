package dev.switchboard.mcpgateway.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.runtime.McpSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostGuardTest {

    private static HostGuard guard(String publicUrl, List<String> hosts, List<String> origins) {
        return new HostGuard(new McpSettings(Optional.ofNullable(publicUrl), hosts, origins, 1, Duration.ofHours(1), 1,
                1, 1));
    }

    @Test
    void loopbackAndThePublicHostAreServed() {
        HostGuard g = guard("https://mcp.example.com", List.of(), List.of());
        assertDoesNotThrow(() -> g.check("localhost", null));
        assertDoesNotThrow(() -> g.check("127.0.0.1", null));
        assertDoesNotThrow(() -> g.check("[::1]", null));
        assertDoesNotThrow(() -> g.check("MCP.example.com", null));
        assertEquals(403, assertThrows(McpError.class, () -> g.check("evil.example", null)).httpStatus());
        assertThrows(McpError.class, () -> g.check(null, null));
    }

    @Test
    void anOriginMustBeOneOfTheHostsOrConfigured() {
        HostGuard g = guard("https://mcp.example.com", List.of(), List.of("https://console.example.com/"));
        assertDoesNotThrow(() -> g.check("mcp.example.com", "https://mcp.example.com"));
        assertDoesNotThrow(() -> g.check("mcp.example.com", "https://console.example.com"));
        assertDoesNotThrow(() -> g.check("localhost", "http://localhost:6274"));
        assertThrows(McpError.class, () -> g.check("localhost", "http://evil.example"));
        assertThrows(McpError.class, () -> g.check("localhost", "null"));
        assertThrows(McpError.class, () -> g.check("localhost", "file://localhost"));
    }

    @Test
    void aStarAllowsAnyHostOrOrigin() {
        HostGuard g = guard(null, List.of("*"), List.of("*"));
        assertDoesNotThrow(() -> g.check("anything.internal", "https://anywhere"));
    }

    @Test
    void hostNamesLoseTheirPort() {
        assertEquals("example.com", HostGuard.hostName("Example.com:8443"));
        assertEquals("[::1]", HostGuard.hostName("[::1]:8082"));
    }
}
