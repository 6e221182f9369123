package dev.switchboard.gateway.clients;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The shared test gateway with short client timeouts, so that the tests see them act without waiting minutes; the idle
 * timeout is still longer than opening 10,000 connections takes on a loaded machine.
 */
public class MisbehavingClientsProfile implements QuarkusTestProfile {

    static final String BODY_TIMEOUT = "2s";
    static final String IDLE_TIMEOUT = "60s";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("switchboard.http.body-timeout", BODY_TIMEOUT, "quarkus.http.idle-timeout", IDLE_TIMEOUT);
    }
}
