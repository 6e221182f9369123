package dev.switchboard.controlplane.console;

import io.quarkus.qute.TemplateGlobal;

/** The vendored scripts' paths, for every page (WebJars served from the classpath; versions as in the parent POM). */
@TemplateGlobal
public final class ConsoleAssets {

    /** {@code htmx.version} in the parent POM. */
    static final String htmx = "/webjars/htmx.org/2.0.4/dist/htmx.min.js";
    /** {@code chartjs.version} in the parent POM. */
    static final String chartjs = "/webjars/chart.js/4.4.1/dist/chart.umd.js";

    private ConsoleAssets() {
    }
}
