package dev.switchboard.controlplane.console;

/** The console's URLs, in one place for the pages, the filters and the templates. */
public final class ConsolePaths {

    public static final String ROOT = "/console";
    public static final String SIGN_IN = ROOT + "/sign-in";
    public static final String SIGN_OUT = ROOT + "/sign-out";
    public static final String OVERVIEW = ROOT + "/overview";
    public static final String CONFIG = ROOT + "/config";
    public static final String RESOURCES = ROOT + "/resources";
    public static final String ROUTE_PREVIEW = ROOT + "/route-preview";
    public static final String APPROVALS = ROOT + "/approvals";
    public static final String REQUESTS = ROOT + "/requests";
    public static final String TOOL_CALLS = ROOT + "/tool-calls";
    public static final String MCP = ROOT + "/mcp";
    /** Sign-in through the identity provider: {@code /start} and {@code /callback}, reached without a session. */
    public static final String OIDC = ROOT + "/oidc";

    private ConsolePaths() {
    }
}
