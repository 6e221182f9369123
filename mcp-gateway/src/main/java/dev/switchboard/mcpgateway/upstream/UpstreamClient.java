package dev.switchboard.mcpgateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.jsonrpc.McpProtocol;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.runtime.sse.SseParser;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.time.Clock;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Speaks MCP to upstream servers over a pooled keep-alive client: Streamable HTTP, or for a server configured with
 * {@code transport: sse} the older HTTP+SSE transport ({@link LegacySseTransport}). Each request carries only what the
 * gateway puts on it: the upstream's own session id and protocol version, and the credential configured for that
 * server ({@link UpstreamCredentials}: a static token, or an OAuth access token renewed once on a 401). Nothing of the
 * caller's request headers is copied, so the caller's token never reaches an upstream.
 *
 * <p>Failures come back as {@link McpError}s: an unknown upstream session is a 404 (the client starts over), an
 * upstream that refuses, fails or closes early is -32000, one that stalls longer than the timeout is -32001.
 */
public final class UpstreamClient implements AutoCloseable {

    private final HttpClient http;
    private final int connectTimeoutMs;
    private final long timeoutMs;
    private final UpstreamCredentials credentials;
    private final LegacySseTransport legacy;

    /**
     * @param timeoutMs how long an upstream may stay silent while the gateway waits for its answer (a stream that
     *                  sends progress or keep-alives is not silent)
     */
    public UpstreamClient(Vertx vertx, int maxConnectionsPerHost, int connectTimeoutMs, long timeoutMs) {
        this(vertx, maxConnectionsPerHost, connectTimeoutMs, timeoutMs, Clock.systemUTC());
    }

    /** @param clock decides when OAuth access tokens are due for renewal */
    public UpstreamClient(Vertx vertx, int maxConnectionsPerHost, int connectTimeoutMs, long timeoutMs, Clock clock) {
        this.http = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false)
                        .setConnectTimeout(connectTimeoutMs),
                new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1));
        this.connectTimeoutMs = connectTimeoutMs;
        this.timeoutMs = timeoutMs;
        this.credentials = new UpstreamCredentials(vertx, http, clock, timeoutMs);
        this.legacy = new LegacySseTransport(vertx, credentials, connectTimeoutMs, timeoutMs, clock);
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * Sends one JSON-RPC request and relays what the upstream streams before its response to {@code sink}. Completes
     * with the response (also a JSON-RPC error response of the upstream's), or fails with an {@link McpError}.
     */
    public Future<McpReply> request(McpUpstream up, UpstreamSession session, ObjectNode request, EventSink sink) {
        JsonNode id = request.get("id");
        if (up.transport() == McpServer.Transport.SSE) {
            return asMcpError(legacy.request(up, session, request, sink), id, up);
        }
        Promise<McpReply> result = Promise.promise();
        RequestOptions options = options(up, HttpMethod.POST, session, timeoutMs)
                .putHeader("content-type", "application/json")
                .putHeader("accept", "application/json, text/event-stream");
        credentials.send(up, options, Json.buffer(request), sink).onComplete(sent -> {
            if (sent.failed()) {
                result.tryFail(connectError(id, up, sent.cause()));
            } else {
                read(up, id, sent.result(), sink, result);
            }
        });
        return result.future();
    }

    private void read(McpUpstream up, JsonNode id, HttpClientResponse res, EventSink sink, Promise<McpReply> result) {
        String upstreamSession = res.getHeader(McpProtocol.SESSION_HEADER);
        int status = res.statusCode();
        if (status == 404) {
            res.body();
            result.tryFail(McpError.sessionNotFound());
            return;
        }
        if (isEventStream(res) && status == 200) {
            sink.streamStarted();
            relayStream(up, id, res, sink, result, upstreamSession);
            return;
        }
        res.body().onComplete(body -> {
            if (body.failed()) {
                result.tryFail(streamError(id, up, body.cause()));
                return;
            }
            ObjectNode message = jsonRpcResponse(body.result(), id);
            if (status == 400 && mentionsSession(body.result())) {
                result.tryFail(McpError.sessionNotFound());
            } else if (message != null && (status == 200 || status >= 400 && status < 500)) {
                if (message.path("id").isNull() && id != null) {
                    message.set("id", id);
                }
                result.tryComplete(new McpReply(message, null, upstreamSession));
            } else if (status == 401 || status == 403) {
                result.tryFail(McpError.upstreamFailed(id, up.name(),
                        "it refused the gateway's credential (HTTP " + status + ")"));
            } else {
                result.tryFail(McpError.upstreamFailed(id, up.name(), status == 200
                        ? "its answer is not a JSON-RPC response to the request" : "HTTP " + status));
            }
        });
    }

    private void relayStream(McpUpstream up, JsonNode id, HttpClientResponse res, EventSink sink,
                             Promise<McpReply> result, String upstreamSession) {
        AtomicBoolean relayedAnId = new AtomicBoolean();
        SseParser parser = new SseParser(event -> {
            if (result.future().isComplete()) {
                return;
            }
            ObjectNode response = event.data() == null ? null : jsonRpcResponse(Buffer.buffer(event.data()), id);
            if (response != null) {
                result.tryComplete(new McpReply(response, event.id(), upstreamSession));
                return;
            }
            if (event.id() != null && !event.id().isEmpty()) {
                relayedAnId.set(true);
            }
            sink.event(event);
        });
        res.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (IllegalStateException e) {
                result.tryFail(McpError.upstreamFailed(id, up.name(), e.getMessage()));
                res.request().reset(0);
                return;
            }
            if (sink.writeQueueFull()) {
                res.pause();
                sink.onDrain(res::resume);
            }
        });
        res.endHandler(v -> {
            parser.end();
            if (relayedAnId.get()) {
                result.tryComplete(new McpReply(null, null, upstreamSession));
            } else {
                result.tryFail(McpError.upstreamFailed(id, up.name(), "it closed the stream before answering"));
            }
        });
        res.exceptionHandler(err -> result.tryFail(streamError(id, up, err)));
    }

    /**
     * Posts a notification or a response (to a server-to-client request). Completes with the upstream's status
     * (202 when accepted); an unknown upstream session fails with a 404 {@link McpError}.
     */
    public Future<Integer> post(McpUpstream up, UpstreamSession session, ObjectNode message) {
        if (up.transport() == McpServer.Transport.SSE) {
            return asMcpError(legacy.post(up, session, message), null, up);
        }
        RequestOptions options = options(up, HttpMethod.POST, session, timeoutMs)
                .putHeader("content-type", "application/json")
                .putHeader("accept", "application/json, text/event-stream");
        return credentials.send(up, options, Json.buffer(message), null)
                .compose(res -> res.body().map(b -> res.statusCode()))
                .recover(err -> Future.failedFuture(connectError(null, up, err)))
                .compose(status -> status == 404 ? Future.failedFuture(McpError.sessionNotFound())
                        : Future.succeededFuture(status));
    }

    /**
     * Opens the upstream's GET stream and relays every event to {@code sink} until it ends. Fails with an
     * {@link McpError}: 405 when the upstream offers no such stream, 404 for an unknown session.
     */
    public Future<Void> openStream(McpUpstream up, UpstreamSession session, String lastEventId, EventSink sink) {
        if (up.transport() == McpServer.Transport.SSE) {
            return asMcpError(legacy.openStream(up, session, sink), null, up);
        }
        RequestOptions options = options(up, HttpMethod.GET, session, 0).putHeader("accept", "text/event-stream");
        if (lastEventId != null) {
            options.putHeader(McpProtocol.LAST_EVENT_ID, lastEventId);
        }
        Promise<Void> done = Promise.promise();
        credentials.send(up, options, null, sink).onComplete(ar -> {
            if (ar.failed()) {
                done.tryFail(connectError(null, up, ar.cause()));
                return;
            }
            HttpClientResponse res = ar.result();
            if (res.statusCode() != 200 || !isEventStream(res)) {
                res.body();
                done.tryFail(res.statusCode() == 404 ? McpError.sessionNotFound()
                        : res.statusCode() == 405 ? McpError.methodNotAllowed("the server offers no GET stream")
                        : McpError.upstreamFailed(null, up.name(), "HTTP " + res.statusCode()));
                return;
            }
            sink.streamStarted();
            SseParser parser = new SseParser(sink::event);
            res.handler(chunk -> {
                parser.feed(chunk);
                if (sink.writeQueueFull()) {
                    res.pause();
                    sink.onDrain(res::resume);
                }
            });
            res.endHandler(v -> done.tryComplete());
            res.exceptionHandler(err -> done.tryFail(streamError(null, up, err)));
        });
        return done.future();
    }

    /** Ends the upstream session; completes with the upstream's status. */
    public Future<Integer> delete(McpUpstream up, UpstreamSession session) {
        if (up.transport() == McpServer.Transport.SSE) {
            return legacy.delete(session);
        }
        if (up.credentialError() != null || session.sessionId() == null) {
            return Future.succeededFuture(204);
        }
        return credentials.send(up, options(up, HttpMethod.DELETE, session, timeoutMs), null, null)
                .compose(res -> res.body().map(b -> res.statusCode()))
                .recover(err -> Future.failedFuture(connectError(null, up, err)));
    }

    private RequestOptions options(McpUpstream up, HttpMethod method, UpstreamSession session, long idleTimeoutMs) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        headers.set("host", up.authority());
        if (session != null && session.sessionId() != null) {
            headers.set(McpProtocol.SESSION_HEADER, session.sessionId());
        }
        if (session != null && session.version() != null) {
            headers.set(McpProtocol.VERSION_HEADER, session.version());
        }
        return new RequestOptions()
                .setMethod(method)
                .setHost(up.host())
                .setPort(up.port())
                .setSsl(up.ssl())
                .setURI(up.pathAndQuery())
                .setHeaders(headers)
                .setConnectTimeout(connectTimeoutMs)
                .setIdleTimeout(idleTimeoutMs);
    }

    /** The body as a JSON-RPC response to {@code id}, or null if it is not one. */
    static ObjectNode jsonRpcResponse(Buffer body, JsonNode id) {
        try {
            JsonNode node = Json.read(body.getBytes());
            if (node instanceof ObjectNode o && !o.has("method") && (o.has("result") || o.has("error"))
                    && (id == null || id.equals(o.get("id")) || o.path("id").isNull())) {
                return o;
            }
        } catch (java.io.IOException e) {
            // not JSON: the caller treats it as no response
        }
        return null;
    }

    private static boolean mentionsSession(Buffer body) {
        return body.toString().toLowerCase().contains("session");
    }

    private static boolean isEventStream(HttpClientResponse res) {
        String type = res.getHeader("content-type");
        return type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    private <T> Future<T> asMcpError(Future<T> future, JsonNode id, McpUpstream up) {
        return future.recover(err -> Future.failedFuture(connectError(id, up, err)));
    }

    private McpError connectError(JsonNode id, McpUpstream up, Throwable cause) {
        if (cause instanceof McpError e) {
            return e;
        }
        if (cause instanceof UpstreamCredentials.CredentialException) {
            return McpError.upstreamFailed(id, up.name(), cause.getMessage());
        }
        if (cause instanceof ConnectTimeoutException) {
            return McpError.upstreamFailed(id, up.name(), "it did not accept a connection within "
                    + connectTimeoutMs + " ms");
        }
        if (isTimeout(cause)) {
            return McpError.upstreamTimeout(id, up.name(), timeoutMs);
        }
        if (cause instanceof ConnectException) {
            return McpError.upstreamFailed(id, up.name(), "it refused the connection");
        }
        return McpError.upstreamFailed(id, up.name(), "the connection failed");
    }

    private McpError streamError(JsonNode id, McpUpstream up, Throwable cause) {
        return isTimeout(cause) ? McpError.upstreamTimeout(id, up.name(), timeoutMs)
                : McpError.upstreamFailed(id, up.name(), "the stream broke off");
    }

    private static boolean isTimeout(Throwable cause) {
        return cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException
                || (cause != null && cause.getClass().getSimpleName().contains("Timeout"));
    }

    @Override
    public void close() {
        legacy.close();
        http.close();
    }
}
