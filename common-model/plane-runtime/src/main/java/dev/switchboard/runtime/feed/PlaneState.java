package dev.switchboard.runtime.feed;

import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.util.List;

/**
 * What a plane makes of one snapshot for its request path (the gateway's provider accounts with their credentials
 * resolved, the MCP gateway's upstream servers, ...). Built off the request path by the plane's own preparer, then
 * swapped in whole by a {@link ConfigHolder}.
 */
public interface PlaneState {

    ConfigSnapshot snapshot();

    /** What the plane could not prepare but serves anyway (a credential it cannot open), logged when it is applied. */
    List<String> warnings();

    /** A line for the log when this state is applied: what it holds, in counts. */
    String summary();
}
