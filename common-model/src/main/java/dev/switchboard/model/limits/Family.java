package dev.switchboard.model.limits;

/** Whether a counter belongs to a rate limit or to a budget; their names are separate namespaces in the config. */
public enum Family {
    RATE_LIMIT("rate_limit"), BUDGET("budget");

    private final String wire;

    Family(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    static Family ofWire(String text) {
        for (Family f : values()) {
            if (f.wire.equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown counter family '" + text + "'");
    }
}
