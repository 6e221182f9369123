package dev.switchboard.gateway.pipeline;

import dev.switchboard.gateway.http.GatewayError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/** Writes the gateway's own answers; an unexpected exception becomes a 500 in the OpenAI shape, never a stack trace. */
public final class GatewayResponses {

    private static final Logger LOG = Logger.getLogger(GatewayResponses.class);

    private GatewayResponses() {
    }

    public static void fail(RoutingContext rc, Throwable err) {
        GatewayError error;
        if (err instanceof GatewayError g) {
            error = g;
        } else {
            LOG.errorf(err, "request %s failed", rc.response().headers().get("x-request-id"));
            error = GatewayError.internal();
        }
        HttpServerResponse out = rc.response();
        if (out.headWritten()) {
            if (!out.ended()) {
                out.reset();
            }
            return;
        }
        out.setStatusCode(error.status())
                .putHeader("content-type", "application/json")
                .end(error.toJson());
    }
}
