package dev.switchboard.gateway.forward;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An upstream's answer whose head has arrived and whose body is held back (paused) until the pipeline decides to
 * relay it to the caller or to discard it and try again. {@code idleMs} is the longest gap allowed between two bytes of
 * its body.
 */
public record UpstreamResponse(HttpClientRequest request, HttpClientResponse response, long headNanos, long idleMs) {

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.getHeader(name);
    }
}
