package dev.switchboard.mcpgateway.approval;

/** How a held call is put to a person: through the approval API, or to the caller in their MCP client. */
public enum Channel {
    API("api"),
    ELICITATION("elicitation");

    private final String wire;

    Channel(String wire) {
        this.wire = wire;
    }

    /** The name in the API, the audit record and the docs. */
    public String wire() {
        return wire;
    }
}
