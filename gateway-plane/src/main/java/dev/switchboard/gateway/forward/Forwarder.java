package dev.switchboard.gateway.forward;

import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.telemetry.Usage;
import dev.switchboard.model.config.Timeouts;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Steps 5 and 6, in two phases. {@link #open} sends a call over a pooled keep-alive client and yields the answer's
 * head with its body held back, so that the pipeline can still retry or fall back before anything reaches the
 * caller. {@link #relay} then streams the body to the caller as it arrives, chunk by chunk, translated if the adapter
 * needs it, with backpressure (a slow reader pauses the upstream); {@link #discard} drops it instead. A caller that
 * goes away cancels the upstream call. Timeouts: connect, first byte, and idle between two bytes.
 */
public final class Forwarder {

    /** Headers that describe one hop, not the message; never relayed (RFC 9110, section 7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "x-request-id");
    /** Also not relayed when the body is translated: they describe the upstream's body, not ours. */
    private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-encoding", "etag");

    private final Vertx vertx;
    private final HttpClient client;

    public Forwarder(Vertx vertx, int maxConnectionsPerHost) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        // below the idle timeouts servers commonly use (JDK 30 s, many proxies 60 s), so that the pool
                        // closes an idle connection before the server does and no request races a closing socket
                        .setKeepAliveTimeout(15)
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false)
                        .setTryUseCompression(false),
                new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1));
    }

    /**
     * Sends {@code call}; the future yields the answer's head, its body paused. It fails with a {@link GatewayError}
     * (502 unreachable, 504 timeout) when no answer came, within at most {@code millisLeft}, and with
     * {@link ClientGoneException} when the caller went away meanwhile.
     */
    public Future<UpstreamResponse> open(UpstreamCall call, HttpServerResponse out, String targetName, long millisLeft) {
        Upstream up = call.upstream();
        Timeouts t = up.timeouts();
        long firstByteMs = Math.max(1, Math.min(t.firstByteMs(), millisLeft));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(up.host())
                .setPort(up.port())
                .setSsl(up.ssl())
                .setURI(call.path())
                .setHeaders(call.headers())
                .setConnectTimeout(Math.min(t.connectMs(), firstByteMs))
                // the first-byte timer rules until the head arrives; a stream's gaps are watched in pipe() with
                // idle_ms (changing a request's idle timeout after it was sent leaves a timer on the pooled connection)
                .setIdleTimeout(Math.max(t.idleMs(), firstByteMs + 1000));
        options.putHeader(HttpHeaderNames.HOST, up.authority());
        Promise<UpstreamResponse> result = Promise.promise();
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                result.fail(out.closed() ? new ClientGoneException() : connectError(ar.cause(), targetName));
                return;
            }
            var req = ar.result();
            // reset() fails the call with a StreamResetException wrapping the cause: remember that it was our timer
            boolean[] timedOut = {false};
            long timer = vertx.setTimer(firstByteMs, id -> {
                timedOut[0] = true;
                req.reset(0, new TimeoutException("before the first byte"));
            });
            out.closeHandler(v -> req.reset(0, new ClientGoneException()));
            req.send(call.body()).onComplete(sent -> {
                vertx.cancelTimer(timer);
                if (sent.succeeded()) {
                    sent.result().pause();
                    result.complete(new UpstreamResponse(req, sent.result(), System.nanoTime(), t.idleMs()));
                } else if (sent.cause() instanceof ClientGoneException || out.closed()) {
                    result.fail(new ClientGoneException());
                } else if (timedOut[0] || isTimeout(sent.cause())) {
                    result.fail(GatewayError.upstreamTimeout(targetName, "before the first byte"));
                } else {
                    result.fail(connectError(sent.cause(), targetName));
                }
            });
        });
        return result.future();
    }

    /** Drops an answer the caller will not see (a retry or a fallback follows); the connection stays reusable. */
    public void discard(UpstreamResponse r) {
        HttpClientResponse res = r.response();
        res.handler(null);
        res.exceptionHandler(e -> { });
        res.resume();
    }

    /**
     * Relays the answer to the caller. The future completes with the outcome once the response has ended, broken off,
     * or the caller went away; it never fails.
     */
    public Future<Outcome> relay(UpstreamResponse r, HttpServerResponse out, boolean stream, String targetName,
                                 ResponseTranslator translator) {
        HttpClientResponse res = r.response();
        boolean passthrough = translator == ResponseTranslator.PASSTHROUGH;
        boolean ok = res.statusCode() >= 200 && res.statusCode() < 300;
        boolean sseIn = isEventStream(res.getHeader(HttpHeaderNames.CONTENT_TYPE));
        out.setStatusCode(res.statusCode());
        for (Map.Entry<String, String> h : res.headers()) {
            String name = h.getKey().toLowerCase();
            if (!HOP_BY_HOP.contains(name) && (passthrough || !BODY_HEADERS.contains(name))) {
                out.headers().add(h.getKey(), h.getValue());
            }
        }
        out.putHeader("x-tfy-resolved-model", targetName);
        Promise<Outcome> result = Promise.promise();
        if (passthrough) {
            String length = res.getHeader(HttpHeaderNames.CONTENT_LENGTH);
            if (length != null) {
                out.putHeader(HttpHeaderNames.CONTENT_LENGTH, length);
            } else {
                out.setChunked(true);
            }
            pipe(r, out, stream || sseIn, targetName, Chunks.IDENTITY, translator, result);
        } else if (stream && ok && sseIn) {
            out.putHeader(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            out.putHeader(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            out.setChunked(true);
            ResponseTranslator.StreamTranslator st = translator.stream();
            pipe(r, out, true, targetName, new Chunks() {
                @Override
                public Buffer chunk(Buffer in) {
                    return st.onChunk(in);
                }

                @Override
                public Buffer end() {
                    return st.onEnd();
                }
            }, translator, result);
        } else {
            // a whole JSON answer (or an error) to translate at once: read it, then answer
            res.body().onComplete(body -> {
                if (body.failed()) {
                    boolean gone = out.closed();
                    if (!gone) {
                        GatewayError e = GatewayError.upstreamFailed(targetName, "the answer broke off");
                        out.setStatusCode(e.status()).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(e.toJson());
                    }
                    result.complete(new Outcome(gone ? 499 : 502, gone ? "client_closed" : "upstream_stream_broken",
                            -1, System.nanoTime(), 0, Usage.UNKNOWN));
                    return;
                }
                Buffer translated = translator.body(res.statusCode(), body.result());
                long now = System.nanoTime();
                out.putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(translated);
                byte[] bytes = translated.getBytes();
                result.complete(new Outcome(res.statusCode(), null, now, System.nanoTime(), bytes.length,
                        ok ? Usage.ofJson(bytes, 0, bytes.length) : Usage.UNKNOWN));
            });
            res.resume();
        }
        return result.future();
    }

    /**
     * Resets a stream whose upstream falls silent for longer than its idle timeout. A stream's gaps are watched here
     * rather than by the request's own idle timeout, which must also cover the wait for the first byte.
     */
    private final class IdleWatch {
        volatile long lastChunkNanos = System.nanoTime();
        private final long timer;
        private boolean fired;

        IdleWatch(UpstreamResponse r) {
            long idleNanos = r.idleMs() * 1_000_000L;
            timer = vertx.setPeriodic(Math.max(50, r.idleMs() / 4), id -> {
                if (System.nanoTime() - lastChunkNanos > idleNanos) {
                    fired = true;
                    vertx.cancelTimer(id);
                    r.request().reset(0, new TimeoutException("no data for " + r.idleMs() + " ms"));
                }
            });
        }

        /** Stops watching; true when the watch itself ended the stream. */
        boolean stop() {
            vertx.cancelTimer(timer);
            return fired;
        }
    }

    /** How the body's chunks become what the caller receives. */
    private interface Chunks {
        Chunks IDENTITY = new Chunks() {
            @Override
            public Buffer chunk(Buffer in) {
                return in;
            }

            @Override
            public Buffer end() {
                return null;
            }
        };

        Buffer chunk(Buffer in);

        /** What to write after the last chunk; null for nothing. */
        Buffer end();
    }

    private void pipe(UpstreamResponse r, HttpServerResponse out, boolean sse, String targetName, Chunks chunks,
                      ResponseTranslator translator, Promise<Outcome> result) {
        HttpClientResponse res = r.response();
        ResponseTap tap = new ResponseTap(sse);
        IdleWatch idle = sse ? new IdleWatch(r) : null;
        res.handler(chunk -> {
            if (idle != null) {
                idle.lastChunkNanos = System.nanoTime();
            }
            Buffer toClient = chunks.chunk(chunk);
            if (toClient == null || toClient.length() == 0) {
                return;
            }
            tap.onChunk(toClient, System.nanoTime());
            out.write(toClient);
            if (out.writeQueueFull()) {
                res.pause();
                out.drainHandler(v -> res.resume());
            }
        });
        res.endHandler(v -> {
            if (idle != null) {
                idle.stop();
            }
            Buffer last = chunks.end();
            if (last != null && last.length() > 0) {
                tap.onChunk(last, System.nanoTime());
                out.end(last);
            } else {
                out.end();
            }
            Usage usage = sse ? Usage.ofSseTail(tap.kept(), tap.keptLength()) : Usage.ofJson(tap.kept(), 0, tap.keptLength());
            result.tryComplete(new Outcome(res.statusCode(), null, tap.firstByteNanos, System.nanoTime(), tap.bytes, usage));
        });
        res.exceptionHandler(err -> {
            boolean idleTimeout = idle != null && idle.stop();
            // Resetting the upstream call closes its connection, and that close may be reported instead of the
            // ClientGoneException cause: a closed client connection is what says the client went away.
            boolean clientGone = err instanceof ClientGoneException || out.closed();
            if (!clientGone) {
                endBrokenResponse(out, sse, targetName, idleTimeout ? new TimeoutException("idle") : err, translator);
            }
            Usage partial = sse ? Usage.ofSseTail(tap.kept(), tap.keptLength()) : Usage.UNKNOWN;
            result.tryComplete(new Outcome(clientGone ? 499 : 502, clientGone ? "client_closed" : "upstream_stream_broken",
                    tap.firstByteNanos, System.nanoTime(), tap.bytes, partial));
        });
        res.resume();
    }

    /**
     * The upstream broke off after the response started. A stream gets a well-formed error event and a clean end,
     * never a silent truncation; a JSON body cannot be mended, so the connection is reset.
     */
    private static void endBrokenResponse(HttpServerResponse out, boolean sse, String targetName, Throwable err,
                                          ResponseTranslator translator) {
        if (out.ended() || out.closed()) {
            return;
        }
        if (sse) {
            GatewayError error = isTimeout(err)
                    ? GatewayError.upstreamTimeout(targetName, "in the middle of the stream")
                    : GatewayError.upstreamFailed(targetName, "the stream broke off");
            out.end(translator.streamError(error.toJson()));
        } else {
            out.reset();
        }
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    private static boolean isTimeout(Throwable cause) {
        return cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException
                || (cause != null && !(cause instanceof io.vertx.core.http.StreamResetException)
                && cause.getClass().getSimpleName().contains("Timeout"));
    }

    private static GatewayError connectError(Throwable cause, String targetName) {
        if (cause instanceof ConnectTimeoutException || isTimeout(cause)) {
            return GatewayError.upstreamTimeout(targetName, "while connecting");
        }
        if (cause instanceof java.net.ConnectException) {
            return GatewayError.upstreamUnreachable(targetName);
        }
        return GatewayError.upstreamFailed(targetName, "connection failed");
    }

    public void close() {
        client.close();
    }
}
