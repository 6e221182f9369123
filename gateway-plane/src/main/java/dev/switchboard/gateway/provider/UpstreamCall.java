package dev.switchboard.gateway.provider;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One HTTP call to an upstream, as an adapter prepared it, with the translator that turns its answer into the
 * caller's format ({@link ResponseTranslator#PASSTHROUGH} when none is needed).
 */
public record UpstreamCall(Upstream upstream, String path, MultiMap headers, Buffer body, ResponseTranslator translator) {
}
