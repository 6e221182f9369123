package dev.switchboard.controlplane.store;

import dev.switchboard.model.config.SwitchboardConfig;
import java.time.Instant;

/** A committed revision's config; revision 0 is the empty config before the first commit. */
public record Head(long revision, Instant createdAt, SwitchboardConfig config) {

    public static final Head EMPTY = new Head(0, Instant.EPOCH, SwitchboardConfig.EMPTY);
}
