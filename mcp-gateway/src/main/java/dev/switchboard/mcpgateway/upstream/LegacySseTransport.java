package dev.switchboard.mcpgateway.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP+SSE transport of protocol revision 2024-11-05, for upstreams that speak nothing newer
 * ({@code transport: sse}). Each gateway session holds one {@link LegacySseConnection}: a GET stream to the server's SSE
 * endpoint, whose {@code endpoint} event names where messages are posted and over which every answer comes back. The
 * connection's id stands in for the upstream session id; it lives in this replica's memory only, because the answers
 * come over a stream that this replica holds. On another replica, after the stream broke, or once the connection was
 * closed for idleness, the id is unknown and the client gets the 404 that makes it start a new session.
 *
 * <p>The upstream's answers to {@code initialize} that name revision 2024-11-05 are presented to the client as
 * 2025-03-26, the oldest revision of Streamable HTTP, which the gateway speaks to it.
 */
final class LegacySseTransport {

    /** The revision of the old transport, and what the gateway tells its clients instead. */
    static final String LEGACY_VERSION = "2024-11-05";
    static final String PRESENTED_VERSION = "2025-03-26";
    /** A connection without requests and without a client stream for this long is closed. */
    static final long IDLE_CLOSE_MS = 30 * 60_000;
    /** At most this many connections are open at once; a new session beyond it is refused. */
    static final int MAX_CONNECTIONS = 10_000;

    private final Vertx vertx;
    private final UpstreamCredentials credentials;
    private final int connectTimeoutMs;
    private final long timeoutMs;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LegacySseConnection> connections = new ConcurrentHashMap<>();
    /** The sessions' streams hold their connections for as long as they live: a client of their own, so that they
     *  never take the pooled connections that requests wait for. */
    private final HttpClient streams;
    private final long sweeper;

    LegacySseTransport(Vertx vertx, UpstreamCredentials credentials, int connectTimeoutMs, long timeoutMs, Clock clock) {
        this.vertx = vertx;
        this.credentials = credentials;
        this.connectTimeoutMs = connectTimeoutMs;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.streams = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true)
                        .setDecompressionSupported(false).setConnectTimeout(connectTimeoutMs),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
        this.sweeper = vertx.setPeriodic(60_000, t -> closeIdle());
    }

    /** {@code initialize} (no session yet) opens a connection; any other request uses the session's. */
    Future<McpReply> request(McpUpstream up, UpstreamSession session, ObjectNode request, EventSink sink) {
        if (session == null || session.sessionId() == null) {
            if (connections.size() >= MAX_CONNECTIONS) {
                return Future.failedFuture(McpError.upstreamFailed(request.get("id"), up.name(),
                        "the gateway holds too many streams to old-transport servers"));
            }
            String id = newId();
            LegacySseConnection connection = new LegacySseConnection(id, up, vertx, credentials, streams,
                    connectTimeoutMs, timeoutMs, clock, () -> connections.remove(id));
            connections.put(id, connection);
            return connection.open()
                    .compose(v -> connection.request(request, sink))
                    .map(LegacySseTransport::presentedVersion)
                    .onFailure(err -> connection.close(null));
        }
        return connection(up, session).compose(c -> c.request(request, sink));
    }

    Future<Integer> post(McpUpstream up, UpstreamSession session, ObjectNode message) {
        return connection(up, session).compose(c -> c.post(message));
    }

    /** The client's GET stream: the messages of the server that answer no request, until the connection ends. */
    Future<Void> openStream(McpUpstream up, UpstreamSession session, EventSink sink) {
        return connection(up, session).compose(c -> c.listen(sink));
    }

    /** The old transport has no DELETE: ending the session is closing its stream. */
    Future<Integer> delete(UpstreamSession session) {
        LegacySseConnection connection = session == null || session.sessionId() == null ? null
                : connections.get(session.sessionId());
        if (connection != null) {
            connection.close(null);
        }
        return Future.succeededFuture(200);
    }

    private Future<LegacySseConnection> connection(McpUpstream up, UpstreamSession session) {
        LegacySseConnection connection = session == null || session.sessionId() == null ? null
                : connections.get(session.sessionId());
        if (connection == null || !connection.server().equals(up.name()) || connection.closed()) {
            return Future.failedFuture(McpError.sessionNotFound());
        }
        return Future.succeededFuture(connection);
    }

    private static McpReply presentedVersion(McpReply reply) {
        if (reply.message() != null && reply.message().get("result") instanceof ObjectNode result
                && LEGACY_VERSION.equals(result.path("protocolVersion").asText(null))) {
            result.put("protocolVersion", PRESENTED_VERSION);
        }
        return reply;
    }

    private void closeIdle() {
        long now = clock.millis();
        connections.values().forEach(c -> {
            if (c.idleSince(now) >= IDLE_CLOSE_MS) {
                c.close(null);
            }
        });
    }

    private String newId() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return "sse-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    void close() {
        vertx.cancelTimer(sweeper);
        connections.values().forEach(c -> c.close(null));
        streams.close();
    }

    /** How many connections are open; for tests. */
    int openConnections() {
        return connections.size();
    }
}
