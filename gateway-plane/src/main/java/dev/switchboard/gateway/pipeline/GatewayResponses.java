package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * Writes the gateway's own answers, in the error shape of the API the caller speaks: OpenAI's, or Anthropic's on the
 * Messages endpoint (marked by {@link #useAnthropicErrors}). An unexpected exception becomes a 500, never a stack trace.
 */
public final class GatewayResponses {

    private static final Logger LOG = Logger.getLogger(GatewayResponses.class);
    private static final String ANTHROPIC_ERRORS = "switchboard.anthropic-errors";

    /** Marks a request whose errors are answered in Anthropic's shape. */
    public static void useAnthropicErrors(RoutingContext rc) {
        rc.put(ANTHROPIC_ERRORS, Boolean.TRUE);
    }

    private GatewayResponses() {
    }

    public static void fail(RoutingContext rc, Throwable err) {
        GatewayError error;
        if (err instanceof AnthropicInboundError a) {
            write(rc, a.status(), a.toJson());
            return;
        }
        if (err instanceof GatewayError g) {
            error = g;
        } else {
            LOG.errorf(err, "request %s failed", rc.response().headers().get("x-request-id"));
            error = GatewayError.internal();
        }
        if (Boolean.TRUE.equals(rc.get(ANTHROPIC_ERRORS))) {
            AnthropicInboundError a = AnthropicInboundError.fromGatewayError(error);
            write(rc, a.status(), a.toJson());
        } else {
            write(rc, error.status(), error.toJson());
        }
    }

    private static void write(RoutingContext rc, int status, Buffer json) {
        HttpServerResponse out = rc.response();
        if (out.headWritten()) {
            if (!out.ended()) {
                out.reset();
            }
            return;
        }
        out.setStatusCode(status).putHeader("content-type", "application/json").end(json);
    }
}
