package dev.switchboard.gateway.forward;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * An upstream's answer whose head has arrived and whose body is held back (paused) until the pipeline decides to
 * relay it to the caller or to discard it and try again. {@code idleMs} is the longest gap allowed between two bytes of
 * its body. {@code status} is the upstream's status as its adapter reads it (the HTTP status, unless the provider says
 * more in a header: Bedrock's {@code x-amzn-ErrorType}); retries, fallback and the caller go by it.
 */
public record UpstreamResponse(HttpClientRequest request, HttpClientResponse response, long headNanos, long idleMs,
                               int status) {

    public String header(String name) {
        return response.getHeader(name);
    }
}
