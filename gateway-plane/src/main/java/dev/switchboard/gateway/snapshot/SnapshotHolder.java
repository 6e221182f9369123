package dev.switchboard.gateway.snapshot;

import dev.switchboard.runtime.feed.ConfigHolder;
import jakarta.inject.Singleton;

/**
 * The one reference to the current {@link GatewayState}, for the request path. Which config may replace which (NATS
 * over the cache over the file, never an older revision) is {@link ConfigHolder}'s rule, shared with the MCP gateway.
 */
@Singleton
public class SnapshotHolder {

    private final ConfigHolder<GatewayState> holder = new ConfigHolder<>();

    /** The current state, or null before the first config has been applied. */
    public GatewayState current() {
        return holder.state();
    }

    /** The holder itself, with the applied state's origin, for the config feed. */
    public ConfigHolder<GatewayState> holder() {
        return holder;
    }
}
