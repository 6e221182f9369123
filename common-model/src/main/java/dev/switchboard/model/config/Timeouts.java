package dev.switchboard.model.config;

/**
 * Upstream timeouts in milliseconds: to open the connection, to the first response byte, and between two bytes of a
 * response. A null field means "inherit": from the provider account for a model, from the defaults for an account.
 */
public record Timeouts(Integer connectMs, Integer firstByteMs, Integer idleMs) {

    public static final Timeouts DEFAULTS = new Timeouts(5_000, 120_000, 60_000);

    /** This one's values where set, {@code parent}'s elsewhere. */
    public Timeouts orElse(Timeouts parent) {
        if (parent == null) {
            return this;
        }
        return new Timeouts(
                connectMs != null ? connectMs : parent.connectMs,
                firstByteMs != null ? firstByteMs : parent.firstByteMs,
                idleMs != null ? idleMs : parent.idleMs);
    }
}
