package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.jsonrpc.McpProtocol;
import dev.switchboard.mcpgateway.upstream.EventSink;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.runtime.sse.SseEvent;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to the client's HTTP request, in whichever form it takes: a JSON body, a 202, or an SSE stream that
 * starts when the upstream's does and relays its events in order. Whatever happens, it ends with exactly one
 * JSON-RPC response or error for a request, and never leaves the connection hanging.
 */
public final class ClientReply implements EventSink {

    private final HttpServerResponse out;
    private final String resourceMetadataUrl;
    private final List<Runnable> onGone = new ArrayList<>(1);
    private boolean sse;

    /** What a 401 tells a client that has no authorization server to discover (no identity provider configured). */
    public static final String API_KEY_HINT = "This MCP gateway takes a gateway API key: send 'Authorization: Bearer <key>'";

    /**
     * @param resourceMetadataUrl where the OAuth protected resource metadata of this endpoint is (RFC 9728); a 401
     *                            names it in {@code WWW-Authenticate} so that MCP clients can discover the IdP. Null
     *                            when no identity provider is configured: the 401 then says to send an API key
     *                            instead of sending the client on a search for an authorization server
     */
    public ClientReply(HttpServerResponse out, String resourceMetadataUrl) {
        this.out = out;
        this.resourceMetadataUrl = resourceMetadataUrl;
        out.closeHandler(v -> {
            if (!out.ended()) {
                onGone.forEach(Runnable::run);
            }
        });
    }

    /** Sets the {@code Mcp-Session-Id} the client is to use from now on (on {@code initialize}). */
    public void sessionId(String sealedId) {
        if (!out.headWritten()) {
            out.putHeader(McpProtocol.SESSION_HEADER, sealedId);
        }
    }

    public boolean done() {
        return out.ended() || out.closed();
    }

    @Override
    public void streamStarted() {
        if (sse || out.headWritten()) {
            return;
        }
        sse = true;
        out.setStatusCode(200)
                .putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache, no-transform")
                .putHeader("x-accel-buffering", "no")
                .setChunked(true);
        out.write(io.vertx.core.buffer.Buffer.buffer());
    }

    @Override
    public void event(SseEvent event) {
        if (done()) {
            return;
        }
        streamStarted();
        out.write(event.toBuffer());
    }

    /** Ends with the response: as the stream's last event, or as a JSON body. */
    public void finish(McpReply reply) {
        if (done()) {
            return;
        }
        if (reply.closedForResumption()) {
            out.end();
            return;
        }
        if (sse) {
            out.end(SseEvent.message(reply.eventId(), Json.write(reply.message())).toBuffer());
        } else {
            json(200, reply.message());
        }
    }

    public void finish(ObjectNode message) {
        finish(McpReply.of(message));
    }

    /** Ends with an error: as the stream's last event once it has started, else with the error's HTTP status. */
    public void fail(McpError error) {
        if (done()) {
            return;
        }
        if (sse) {
            out.end(SseEvent.message(null, Json.write(error.toJson())).toBuffer());
        } else if (out.headWritten()) {
            out.reset();
        } else {
            if (error.httpStatus() == 401) {
                // RFC 6750: no error code when the request carried no token at all.
                String code = "invalid_token".equals(error.reason()) ? "error=\"invalid_token\", " : "";
                out.putHeader("WWW-Authenticate", "Bearer " + code + (resourceMetadataUrl != null
                        ? "resource_metadata=\"" + resourceMetadataUrl + "\""
                        : "realm=\"switchboard\", error_description=\"" + API_KEY_HINT + "\""));
            }
            json(error.httpStatus(), error.toJson());
        }
    }

    /** A notification or a response was taken: 202 with no body. */
    public void accepted() {
        if (!done() && !out.headWritten()) {
            out.setStatusCode(202).end();
        }
    }

    /** Ends a stream (the GET stream, when its upstream ends). */
    public void end() {
        if (!done()) {
            out.end();
        }
    }

    public void status(int status) {
        if (!done() && !out.headWritten()) {
            out.setStatusCode(status).end();
        }
    }

    private void json(int status, ObjectNode body) {
        out.setStatusCode(status).putHeader("content-type", "application/json").end(Json.buffer(body));
    }

    @Override
    public boolean writeQueueFull() {
        return !done() && out.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        out.drainHandler(v -> resume.run());
    }

    @Override
    public void onGone(Runnable cancel) {
        onGone.add(cancel);
    }
}
