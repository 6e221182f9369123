package dev.switchboard.runtime;

/**
 * The two services that run this runtime around a request path. Their names show in NATS connection lists and in
 * default file names, so that two planes on one host never share a cache file.
 */
public enum Plane {
    GATEWAY("switchboard-gateway-plane", "switchboard-gateway-snapshot.json.gz", "gateway"),
    MCP_GATEWAY("switchboard-mcp-gateway", "switchboard-mcp-gateway-snapshot.json.gz", "mcp");

    private final String clientName;
    private final String cacheFileName;
    private final String shortName;

    Plane(String clientName, String cacheFileName, String shortName) {
        this.clientName = clientName;
        this.cacheFileName = cacheFileName;
        this.shortName = shortName;
    }

    /** The plane in subject names: {@code switchboard.limits.counts.gateway}. */
    public String shortName() {
        return shortName;
    }

    /** The NATS connection name of the config feed; the telemetry connection adds {@code -telemetry}. */
    public String clientName() {
        return clientName;
    }

    /** The snapshot cache's file name in {@code java.io.tmpdir}, unless {@code switchboard.snapshot-cache} says where. */
    public String cacheFileName() {
        return cacheFileName;
    }
}
