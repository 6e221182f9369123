package dev.switchboard.mcpgateway.snapshot;

import dev.switchboard.runtime.feed.ConfigHolder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one reference to the current {@link McpState}, for the request path. Which config may replace which (NATS over
 * the cache over the file, never an older revision) is {@link ConfigHolder}'s rule, shared with the gateway.
 */
@ApplicationScoped
public class SnapshotHolder {

    private final ConfigHolder<McpState> holder = new ConfigHolder<>();

    /** The current state, or null before the first config has been applied. */
    public McpState current() {
        return holder.state();
    }

    /** The holder itself, with the applied state's origin, for the config feed. */
    public ConfigHolder<McpState> holder() {
        return holder;
    }
}
