package dev.switchboard.runtime.feed;

import java.util.Locale;

/** Where an applied config came from, which decides what may replace it (see {@link ConfigHolder}). */
public enum Origin {
    /** the standalone config file */
    FILE,
    /** the local copy of the last snapshot received over NATS */
    CACHE,
    /** the control plane, over NATS */
    NATS;

    /** How readiness and the metrics' {@code source} tag name it: {@code file}, {@code cache}, {@code nats}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
