package dev.switchboard.mcpgateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.runtime.sse.SseEvent;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One session at an upstream of the old HTTP+SSE transport (revision 2024-11-05): the GET stream the server answers
 * over, and the URL its {@code endpoint} event named for posting messages (on the same origin, so that the credential
 * goes nowhere else). Requests are posted with ids of the gateway's own (so that two clients' ids never collide on the
 * one stream) and their answers, found on the stream by that id, go back with the client's id.
 *
 * <p>What the stream carries besides answers goes where a Streamable HTTP server would have sent it: a progress
 * notification to the request whose progress token it names; any other notification and the server's own requests
 * (sampling, elicitation, roots) to the client's GET stream when it has one open, else to the oldest request in flight,
 * whose answer then comes as a stream. Every callback runs on the event loop of the client request it belongs to.
 */
final class LegacySseConnection {

    private static final Logger LOG = Logger.getLogger(LegacySseConnection.class);
    private static final String ID_PREFIX = "switchboard-";

    /** A request waiting for its answer on the stream. */
    private static final class Pending {
        final long sequence;
        final JsonNode clientId;
        final JsonNode progressToken;
        final EventSink sink;
        final Context context;
        final Promise<McpReply> promise = Promise.promise();
        final AtomicBoolean streaming = new AtomicBoolean();
        volatile long lastActivity;
        long timer = -1;

        Pending(long sequence, JsonNode clientId, JsonNode progressToken, EventSink sink, Context context, long now) {
            this.sequence = sequence;
            this.clientId = clientId;
            this.progressToken = progressToken;
            this.sink = sink;
            this.context = context;
            this.lastActivity = now;
        }
    }

    /** A client's GET stream, which takes the messages that answer no request. */
    private record Listener(EventSink sink, Context context, Promise<Void> ended) {
    }

    private final String id;
    private final McpUpstream up;
    private final Vertx vertx;
    private final UpstreamCredentials credentials;
    private final HttpClient streams;
    private final int connectTimeoutMs;
    private final long timeoutMs;
    private final Clock clock;
    private final Runnable onClosed;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Promise<URI> endpoint = Promise.promise();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile HttpClientResponse stream;
    private volatile long lastUsed;

    /** @param streams the client that opens the GET stream (posts go through the pooled one) */
    LegacySseConnection(String id, McpUpstream up, Vertx vertx, UpstreamCredentials credentials, HttpClient streams,
                        int connectTimeoutMs, long timeoutMs, Clock clock, Runnable onClosed) {
        this.id = id;
        this.up = up;
        this.vertx = vertx;
        this.credentials = credentials;
        this.streams = streams;
        this.connectTimeoutMs = connectTimeoutMs;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.onClosed = onClosed;
        this.lastUsed = clock.millis();
    }

    String server() {
        return up.name();
    }

    boolean closed() {
        return closed.get();
    }

    /** How long nothing has used this connection: 0 while a request or a client stream is open. */
    long idleSince(long now) {
        return pending.isEmpty() && listeners.isEmpty() ? now - lastUsed : 0;
    }

    // ------------------------------------------------------------------ the stream

    /** Opens the GET stream and completes once its {@code endpoint} event has named the URL to post to. */
    Future<Void> open() {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(up.host()).setPort(up.port())
                .setSsl(up.ssl()).setURI(up.pathAndQuery()).setConnectTimeout(connectTimeoutMs).setIdleTimeout(0)
                .putHeader("host", up.authority()).putHeader("accept", "text/event-stream");
        long timer = vertx.setTimer(timeoutMs,
                t -> endpoint.tryFail(McpError.upstreamTimeout(null, up.name(), timeoutMs)));
        credentials.send(streams, up, options, null, null).onComplete(ar -> {
            if (ar.failed()) {
                endpoint.tryFail(ar.cause());
                return;
            }
            HttpClientResponse res = ar.result();
            String type = res.getHeader("content-type");
            if (res.statusCode() != 200 || type == null || !type.toLowerCase().startsWith("text/event-stream")) {
                res.body();
                int status = res.statusCode();
                endpoint.tryFail(McpError.upstreamFailed(null, up.name(), status == 401 || status == 403
                        ? "it refused the gateway's credential (HTTP " + status + ")"
                        : "its SSE endpoint answered HTTP " + status + " without an event stream"));
                return;
            }
            stream = res;
            if (closed.get()) {
                res.request().reset(0); // given up on (timed out) before the server answered
                return;
            }
            SseParser parser = new SseParser(this::onEvent);
            res.handler(chunk -> {
                try {
                    parser.feed(chunk);
                } catch (IllegalStateException e) {
                    LOG.warnf("MCP server '%s': %s; its session ends", up.name(), e.getMessage());
                    res.request().reset(0);
                    close("its stream broke off");
                }
            });
            res.endHandler(v -> close("it closed its stream"));
            res.exceptionHandler(err -> close("its stream broke off"));
        });
        return endpoint.future().onComplete(ar -> vertx.cancelTimer(timer)).mapEmpty();
    }

    private void onEvent(SseEvent event) {
        if ("endpoint".equals(event.event())) {
            endpointEvent(event.data());
            return;
        }
        if (event.event() != null && !"message".equals(event.event()) || event.data() == null
                || event.data().isEmpty()) {
            return;
        }
        JsonNode node;
        try {
            node = Json.read(event.data());
        } catch (IOException e) {
            LOG.debugf("MCP server '%s': an event that is not JSON was ignored", up.name());
            return;
        }
        if (!(node instanceof ObjectNode message)) {
            return;
        }
        if (!message.has("method") && (message.has("result") || message.has("error"))) {
            answer(message);
        } else {
            route(message);
        }
    }

    private void endpointEvent(String data) {
        if (endpoint.future().isComplete() || data == null) {
            return;
        }
        URI target;
        try {
            target = up.uri().resolve(data.trim());
        } catch (IllegalArgumentException e) {
            endpoint.tryFail(McpError.upstreamFailed(null, up.name(), "its endpoint event is not a URL"));
            return;
        }
        // The credential goes with every post: never to another origin than the one configured.
        if (!sameOrigin(up.uri(), target)) {
            endpoint.tryFail(McpError.upstreamFailed(null, up.name(),
                    "its endpoint event names another origin than its URL"));
            return;
        }
        endpoint.tryComplete(target);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** An answer: to the request that has its id, with the client's id back in place. */
    private void answer(ObjectNode message) {
        Pending p = pending.remove(message.path("id").asText(""));
        if (p == null) {
            LOG.debugf("MCP server '%s': an answer to no pending request was ignored", up.name());
            return;
        }
        message.set("id", p.clientId);
        p.context.runOnContext(v -> {
            cancelTimer(p);
            p.promise.tryComplete(new McpReply(message, null, id));
        });
    }

    /** A notification or a request of the server: see the class comment for where it goes. */
    private void route(ObjectNode message) {
        SseEvent event = SseEvent.message(null, Json.write(message));
        JsonNode token = message.path("params").get("progressToken");
        if ("notifications/progress".equals(message.path("method").asText()) && token != null) {
            for (Pending p : pending.values()) {
                if (token.equals(p.progressToken)) {
                    relay(p, event);
                    return;
                }
            }
        }
        Listener newest = null;
        for (Listener l : listeners) {
            newest = l;
        }
        if (newest != null) {
            Listener l = newest;
            l.context().runOnContext(v -> l.sink().event(event));
            return;
        }
        Pending oldest = null;
        for (Pending p : pending.values()) {
            if (oldest == null || p.sequence < oldest.sequence) {
                oldest = p;
            }
        }
        if (oldest != null) {
            relay(oldest, event);
        } else {
            LOG.debugf("MCP server '%s': a '%s' with no client to take it was dropped", up.name(),
                    message.path("method").asText());
        }
    }

    private void relay(Pending p, SseEvent event) {
        p.lastActivity = clock.millis();
        p.context.runOnContext(v -> {
            if (p.streaming.compareAndSet(false, true)) {
                p.sink.streamStarted();
            }
            p.sink.event(event);
        });
    }

    // ------------------------------------------------------------------ client messages

    /** Posts a request and completes with its answer from the stream. */
    Future<McpReply> request(ObjectNode request, EventSink sink) {
        if (closed.get()) {
            return Future.failedFuture(McpError.sessionNotFound());
        }
        lastUsed = clock.millis();
        long sequence = nextId.incrementAndGet();
        String upstreamId = ID_PREFIX + sequence;
        JsonNode progressToken = request.path("params").path("_meta").get("progressToken");
        Pending p = new Pending(sequence, request.get("id"), progressToken, sink, vertx.getOrCreateContext(),
                clock.millis());
        pending.put(upstreamId, p);
        sink.onGone(() -> {
            if (pending.remove(upstreamId) != null) {
                cancelTimer(p);
            }
        });
        watchSilence(upstreamId, p, timeoutMs);
        ObjectNode sent = request.deepCopy();
        sent.put("id", upstreamId);
        post(sent).onFailure(err -> {
            if (pending.remove(upstreamId) != null) {
                cancelTimer(p);
                p.promise.tryFail(err);
            }
        });
        return p.promise.future();
    }

    /** Fails the request with a timeout once the upstream has said nothing about it for {@code timeoutMs}. */
    private void watchSilence(String upstreamId, Pending p, long delayMs) {
        p.timer = vertx.setTimer(Math.max(1, delayMs), t -> {
            long silent = clock.millis() - p.lastActivity;
            if (!pending.containsKey(upstreamId)) {
                return;
            }
            if (silent < timeoutMs) {
                watchSilence(upstreamId, p, timeoutMs - silent);
            } else if (pending.remove(upstreamId) != null) {
                p.promise.tryFail(McpError.upstreamTimeout(p.clientId, up.name(), timeoutMs));
            }
        });
    }

    private void cancelTimer(Pending p) {
        if (p.timer >= 0) {
            vertx.cancelTimer(p.timer);
        }
    }

    /** Posts a message (a request, a notification or an answer to the server's request); completes with 202. */
    Future<Integer> post(ObjectNode message) {
        if (closed.get()) {
            return Future.failedFuture(McpError.sessionNotFound());
        }
        lastUsed = clock.millis();
        URI target = endpoint.future().result();
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(up.host())
                .setPort(port(target)).setSsl(up.ssl())
                .setURI(target.getRawQuery() == null ? path : path + "?" + target.getRawQuery())
                .setConnectTimeout(connectTimeoutMs).setIdleTimeout(timeoutMs)
                .putHeader("host", up.authority()).putHeader("content-type", "application/json");
        return credentials.send(up, options, Json.buffer(message), null)
                .compose(res -> res.body().map(b -> res.statusCode()))
                .compose(status -> {
                    if (status >= 200 && status < 300) {
                        return Future.succeededFuture(202);
                    }
                    if (status == 404) {
                        close("it no longer knows the session");
                        return Future.failedFuture(McpError.sessionNotFound());
                    }
                    return Future.failedFuture(McpError.upstreamFailed(message.get("id"), up.name(),
                            status == 401 || status == 403
                                    ? "it refused the gateway's credential (HTTP " + status + ")" : "HTTP " + status));
                });
    }

    /** Takes the client's GET stream until the connection ends or the client goes away. */
    Future<Void> listen(EventSink sink) {
        if (closed.get()) {
            return Future.failedFuture(McpError.sessionNotFound());
        }
        lastUsed = clock.millis();
        Listener listener = new Listener(sink, vertx.getOrCreateContext(), Promise.promise());
        listeners.add(listener);
        sink.streamStarted();
        sink.onGone(() -> {
            listeners.remove(listener);
            lastUsed = clock.millis();
            listener.ended().tryComplete();
        });
        return listener.ended().future();
    }

    /**
     * Ends the session: the stream is closed, requests in flight fail with {@code why} (null: the gateway ended it),
     * client streams end, and the id is forgotten.
     */
    void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        onClosed.run();
        endpoint.tryFail(McpError.upstreamFailed(null, up.name(), why == null ? "the session was ended" : why));
        HttpClientResponse res = stream;
        if (res != null && why == null) {
            res.request().reset(0);
        }
        if (why != null) {
            LOG.infof("MCP server '%s': session over the old SSE transport ended: %s", up.name(), why);
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = pending.remove(e.getKey());
            if (p != null) {
                p.context.runOnContext(v -> {
                    cancelTimer(p);
                    p.promise.tryFail(McpError.upstreamFailed(p.clientId, up.name(),
                            why == null ? "the session was ended" : why));
                });
            }
        }
        for (Listener l : listeners) {
            l.context().runOnContext(v -> l.ended().tryComplete());
        }
        listeners.clear();
    }
}
