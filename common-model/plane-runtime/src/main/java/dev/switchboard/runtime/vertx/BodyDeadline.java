package dev.switchboard.runtime.vertx;

import dev.switchboard.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.eclipse.microprofile.config.Config;

/**
 * How long a client may take to send a request's body ({@value #BODY_TIMEOUT}, default {@value #DEFAULT_TIMEOUT}; 0
 * turns it off). The HTTP server's idle timeout restarts at every byte received, so a client that trickles a body, a
 * byte every few seconds, would hold its connection and its half-read body for as long as it likes; past this deadline
 * the plane answers 408 in its own error shape and closes the connection. Time spent on the answer (a slow provider, a
 * stream) does not count: only the body's arrival does.
 */
public final class BodyDeadline {

    public static final String BODY_TIMEOUT = "switchboard.http.body-timeout";
    static final String DEFAULT_TIMEOUT = "60s";

    private final long timeoutMs;

    public BodyDeadline(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public static BodyDeadline from(Config config) {
        return new BodyDeadline(new Settings(config).duration(BODY_TIMEOUT, DEFAULT_TIMEOUT).toMillis());
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * Starts the deadline of {@code request}'s body, unless it has all arrived already. When it passes first,
     * {@code refuse} answers (the plane's 408) and the connection is closed.
     *
     * @return the timer to cancel once the exchange is over (the plane's end handler), or -1 when none was started
     */
    public long arm(Vertx vertx, HttpServerRequest request, Runnable refuse) {
        if (timeoutMs <= 0 || request.isEnded()) {
            return -1;
        }
        return vertx.setTimer(timeoutMs, id -> {
            HttpServerResponse response = request.response();
            if (request.isEnded() || response.ended() || response.closed()) {
                return;
            }
            response.putHeader("connection", "close");
            refuse.run();
            request.connection().close();
        });
    }
}
