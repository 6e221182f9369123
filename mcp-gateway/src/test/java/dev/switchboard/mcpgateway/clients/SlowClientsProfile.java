package dev.switchboard.mcpgateway.clients;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The shared test MCP gateway with short client timeouts, so that the tests see them act without waiting minutes; the
 * idle timeout is still longer than opening 10,000 connections takes on a loaded machine.
 */
public class SlowClientsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("switchboard.http.body-timeout", "2s", "quarkus.http.idle-timeout", "60s");
    }
}
