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

    private ConsolePaths() {
    }
}
