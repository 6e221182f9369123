package dev.switchboard.gateway.forward;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.telemetry.Usage;
import dev.switchboard.model.config.Timeouts;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import io.netty.channel.ConnectTimeoutException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Steps 5 and 6: sends the call upstream over a pooled keep-alive client and relays the answer as it arrives, chunk by
 * chunk, with backpressure: when the client reads slowly, the upstream is paused. A client that goes away cancels the
 * upstream call. Timeouts: connect, first byte, and idle between two bytes, per provider account.
 */
public final class Forwarder {

    /** Headers that describe one hop, not the message; never relayed (RFC 9110, section 7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "x-request-id");

    private final Vertx vertx;
    private final HttpClient client;

    public Forwarder(Vertx vertx, int maxConnectionsPerHost) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false)
                        .setTryUseCompression(false),
                new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1));
    }

    /**
     * Forwards {@code call} and relays the response to {@code out}. The future fails with a {@link GatewayError}
     * only when nothing was sent to the client yet; once the response has started, it completes with the outcome.
     */
    public Future<Outcome> forward(UpstreamCall call, HttpServerResponse out, boolean stream, String resolvedName) {
        Upstream up = call.upstream();
        Timeouts t = up.timeouts();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(up.host())
                .setPort(up.port())
                .setSsl(up.ssl())
                .setURI(call.path())
                .setHeaders(call.headers())
                .setConnectTimeout(t.connectMs())
                .setIdleTimeout(t.idleMs());
        options.putHeader(HttpHeaderNames.HOST, up.authority());
        Promise<Outcome> result = Promise.promise();
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                result.fail(connectError(ar.cause(), resolvedName));
                return;
            }
            send(ar.result(), call.body(), t, out, stream, resolvedName, result);
        });
        return result.future();
    }

    private void send(HttpClientRequest req, Buffer body, Timeouts t, HttpServerResponse out, boolean stream,
                      String resolvedName, Promise<Outcome> result) {
        long firstByteTimer = vertx.setTimer(t.firstByteMs(),
                id -> req.reset(0, new TimeoutException("before the first byte")));
        out.closeHandler(v -> req.reset(0, new ClientGone()));
        req.send(body).onComplete(ar -> {
            vertx.cancelTimer(firstByteTimer);
            if (ar.failed()) {
                Throwable cause = ar.cause();
                if (cause instanceof ClientGone || out.closed()) {
                    result.complete(new Outcome(499, "client_closed", -1, System.nanoTime(), 0, Usage.UNKNOWN));
                } else if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException
                        || isIdleTimeout(cause)) {
                    result.fail(GatewayError.upstreamTimeout(resolvedName, "before the first byte"));
                } else {
                    result.fail(connectError(cause, resolvedName));
                }
                return;
            }
            relay(ar.result(), out, stream, resolvedName, result);
        });
    }

    private void relay(HttpClientResponse res, HttpServerResponse out, boolean stream, String resolvedName,
                       Promise<Outcome> result) {
        out.setStatusCode(res.statusCode());
        if (res.statusMessage() != null) {
            out.setStatusMessage(res.statusMessage());
        }
        for (Map.Entry<String, String> h : res.headers()) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                out.headers().add(h.getKey(), h.getValue());
            }
        }
        out.putHeader("x-tfy-resolved-model", resolvedName);
        String length = res.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            out.putHeader(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            out.setChunked(true);
        }
        boolean sse = stream || isEventStream(res.getHeader(HttpHeaderNames.CONTENT_TYPE));
        ResponseTap tap = new ResponseTap(sse);
        res.handler(chunk -> {
            tap.onChunk(chunk, System.nanoTime());
            out.write(chunk);
            if (out.writeQueueFull()) {
                res.pause();
                out.drainHandler(v -> res.resume());
            }
        });
        res.endHandler(v -> {
            out.end();
            Usage usage = sse ? Usage.ofSseTail(tap.kept(), tap.keptLength())
                    : Usage.ofJson(tap.kept(), 0, tap.keptLength());
            result.tryComplete(new Outcome(res.statusCode(), null, tap.firstByteNanos, System.nanoTime(), tap.bytes, usage));
        });
        res.exceptionHandler(err -> {
            // Resetting the upstream call closes its connection, and that close may be reported instead of the
            // ClientGone cause: a closed client connection is what says the client went away, not the upstream.
            boolean clientGone = err instanceof ClientGone || out.closed();
            String code = clientGone ? "client_closed" : "upstream_stream_broken";
            if (!clientGone) {
                endBrokenResponse(out, sse, resolvedName, err);
            }
            Usage partial = sse ? Usage.ofSseTail(tap.kept(), tap.keptLength()) : Usage.UNKNOWN;
            result.tryComplete(new Outcome(clientGone ? 499 : 502, code, tap.firstByteNanos,
                    System.nanoTime(), tap.bytes, partial));
        });
    }

    /**
     * The upstream broke off after the response started. A stream gets a well-formed error event and a clean end,
     * never a silent truncation; a JSON body cannot be mended, so the connection is reset.
     */
    private static void endBrokenResponse(HttpServerResponse out, boolean sse, String resolvedName, Throwable err) {
        if (out.ended() || out.closed()) {
            return;
        }
        if (sse) {
            GatewayError error = isIdleTimeout(err)
                    ? GatewayError.upstreamTimeout(resolvedName, "in the middle of the stream")
                    : GatewayError.upstreamFailed(resolvedName, "the stream broke off");
            out.write(Buffer.buffer("\n\ndata: ").appendBuffer(error.toJson()).appendString("\n\ndata: [DONE]\n\n"));
            out.end();
        } else {
            out.reset();
        }
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    private static boolean isIdleTimeout(Throwable cause) {
        return cause instanceof io.vertx.core.http.StreamResetException == false
                && cause != null && cause.getClass().getSimpleName().contains("Timeout");
    }

    private static GatewayError connectError(Throwable cause, String resolvedName) {
        if (cause instanceof ConnectTimeoutException || isIdleTimeout(cause)) {
            return GatewayError.upstreamTimeout(resolvedName, "while connecting");
        }
        if (cause instanceof java.net.ConnectException) {
            return GatewayError.upstreamUnreachable(resolvedName);
        }
        return GatewayError.upstreamFailed(resolvedName, "connection failed");
    }

    /** The client closed its connection; the upstream call is cancelled with this cause. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("client closed the connection", null, false, false);
        }
    }

    public void close() {
        client.close();
    }
}
