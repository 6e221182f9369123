package dev.switchboard.workflowbridge.databricks;

import java.util.Map;

/** A personal access token, sent as a bearer token. {@link #toString()} never shows it. */
public final class PatCredentials implements Credentials {

    private final String token;

    public PatCredentials(String token) {
        this.token = token;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Override
    public String authType() {
        return "pat";
    }

    @Override
    public String toString() {
        return "PatCredentials[****]";
    }
}
