package dev.switchboard.mcpgateway.upstream;

import dev.switchboard.runtime.sse.SseEvent;

/**
 * Where the events of an upstream stream go that are not the awaited response: priming events, notifications
 * (progress, logging, list changes) and server-to-client requests (sampling, elicitation, roots). Implemented by the
 * client's reply, which relays them in order and with backpressure.
 */
public interface EventSink {

    /** The upstream answers with a stream: the client's answer becomes one too (headers go out now). */
    void streamStarted();

    void event(SseEvent event);

    /** True while the client reads slower than the upstream writes; the upstream is then paused. */
    boolean writeQueueFull();

    /** Runs {@code resume} once the client has caught up. */
    void onDrain(Runnable resume);

    /** Runs {@code cancel} if the client goes away before the call ends. */
    void onGone(Runnable cancel);
}
