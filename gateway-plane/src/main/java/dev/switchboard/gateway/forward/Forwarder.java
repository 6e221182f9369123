package dev.switchboard.gateway.forward;

import dev.switchboard.gateway.guardrail.AnswerText;
import dev.switchboard.gateway.guardrail.OutputGuard;
import dev.switchboard.gateway.guardrail.StreamGuard;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.gateway.provider.UpstreamCall;
import dev.switchboard.gateway.telemetry.Usage;
import dev.switchboard.gateway.upload.Upload;
import dev.switchboard.model.config.Timeouts;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Steps 5 and 6, in two phases. {@link #open} sends a call over a pooled keep-alive client and yields the answer's
 * head with its body held back, so that the pipeline can still retry or fall back before anything reaches the
 * caller. {@link #relay} then streams the body to the caller as it arrives, chunk by chunk, translated if the adapter
 * needs it, with backpressure (a slow reader pauses the upstream); {@link #discard} drops it instead. A caller that
 * goes away cancels the upstream call. Timeouts: connect, first byte, and idle between two bytes. When output
 * guardrails apply, a successful answer is checked before the caller sees it: a whole answer is read first, a stream
 * is checked batch by batch as it goes ({@link #pipeGuarded}).
 */
public final class Forwarder {

    /**
     * Headers that describe one hop, not the message; never relayed (RFC 9110, section 7.6.1). Compared ignoring case,
     * name by name: most names differ in length, so no lower-cased copy of every name of every answer.
     */
    private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "x-request-id"};
    /** Also not relayed when the body is translated: they describe the upstream's body, not ours. */
    private static final String[] BODY_HEADERS = {"content-type", "content-encoding", "etag"};
    private static final CharSequence RESOLVED_MODEL = HttpHeaders.createOptimized("x-tfy-resolved-model");

    /** How much of a guarded stream may wait for a running check before the upstream is paused. */
    private static final int GUARD_BATCH_LIMIT = 64 * 1024;
    private static final Logger LOG = Logger.getLogger(Forwarder.class);

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
            long[] timer = {-1};
            Runnable armFirstByteTimer = () -> timer[0] = vertx.setTimer(firstByteMs, id -> {
                timedOut[0] = true;
                req.reset(0, new TimeoutException("before the first byte"));
            });
            out.closeHandler(v -> req.reset(0, new ClientGoneException()));
            Future<HttpClientResponse> answered;
            if (call.upload() == null) {
                armFirstByteTimer.run();
                answered = req.send(call.body());
            } else {
                answered = sendUpload(req, call.upload(), armFirstByteTimer);
            }
            answered.onComplete(sent -> {
                vertx.cancelTimer(timer[0]);
                if (sent.succeeded()) {
                    sent.result().pause();
                    result.complete(new UpstreamResponse(req, sent.result(), System.nanoTime(), t.idleMs(),
                            call.translator().headStatus(sent.result().statusCode(), sent.result().headers())));
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

    /**
     * Sends a spooled upload with its length, read from its file as the upstream takes it. The first-byte timer starts
     * once the last byte went: the upload's own time (25 MB to a far region) is not the provider's slowness. An
     * upstream that answers before it read everything (a 401, a 413) has its answer taken as it is.
     */
    private static Future<HttpClientResponse> sendUpload(HttpClientRequest req, Upload.Body upload,
                                                         Runnable armFirstByteTimer) {
        req.putHeader(HttpHeaderNames.CONTENT_LENGTH, Long.toString(upload.length()));
        Future<HttpClientResponse> answered = req.response();
        upload.writeTo(req).onComplete(written -> {
            if (written.succeeded()) {
                req.end();
                if (!answered.isComplete()) {
                    armFirstByteTimer.run();
                }
            } else if (!answered.isComplete()) {
                req.reset(0, written.cause());
            }
        });
        return answered;
    }

    /** Drops an answer the caller will not see (a retry or a fallback follows); the connection stays reusable. */
    public void discard(UpstreamResponse r) {
        HttpClientResponse res = r.response();
        res.handler(null);
        res.exceptionHandler(e -> { });
        res.resume();
    }

    /**
     * Relays the answer to the caller, through {@code guard} (null when no output guardrail applies), feeding the text of
     * a successful answer as the caller gets it to {@code answer} (null when payloads are not logged). The future
     * completes with the outcome once the response has ended, broken off, been blocked, or the caller went away; it
     * never fails.
     */
    public Future<Outcome> relay(UpstreamResponse r, HttpServerResponse out, boolean stream, String targetName,
                                 ResponseTranslator translator, OutputGuard guard, AnswerText answer) {
        HttpClientResponse res = r.response();
        boolean passthrough = translator == ResponseTranslator.PASSTHROUGH;
        boolean ok = r.status() >= 200 && r.status() < 300;
        boolean sseIn = isEventStream(res.getHeader(HttpHeaderNames.CONTENT_TYPE));
        out.setStatusCode(r.status());
        MultiMap outHeaders = out.headers();
        for (Map.Entry<String, String> h : res.headers()) {
            String name = h.getKey();
            if (!among(HOP_BY_HOP, name) && (passthrough || !among(BODY_HEADERS, name))) {
                outHeaders.add(name, h.getValue());
            }
        }
        outHeaders.set(RESOLVED_MODEL, targetName);
        Promise<Outcome> result = Promise.promise();
        if (guard != null && ok && sseIn && (stream || passthrough)) {
            out.putHeader(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            out.putHeader(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            out.setChunked(true);
            pipeGuarded(r, out, targetName, passthrough ? Chunks.IDENTITY : chunksOf(translator.stream()), translator,
                    guard.stream(), ok ? answer : null, result);
        } else if (guard != null && ok) {
            relayGuardedBody(r, out, targetName, translator, guard, answer, result);
        } else if (passthrough) {
            String length = res.getHeader(HttpHeaderNames.CONTENT_LENGTH);
            if (length != null) {
                out.putHeader(HttpHeaderNames.CONTENT_LENGTH, length);
            } else {
                out.setChunked(true);
            }
            pipe(r, out, stream || sseIn, targetName, Chunks.IDENTITY, translator, ok ? answer : null, result);
        } else if (stream && ok && sseIn) {
            out.putHeader(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            out.putHeader(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            out.setChunked(true);
            pipe(r, out, true, targetName, chunksOf(translator.stream()), translator, answer, result);
        } else {
            // a whole JSON answer (or an error) to translate at once: read it, then answer
            readBody(r).onComplete(body -> {
                if (body.failed()) {
                    answerBrokenBody(out, targetName, body.cause(), result);
                    return;
                }
                int status = translator.status(r.status(), body.result());
                boolean answered = status >= 200 && status < 300;
                Buffer translated = translator.body(status, body.result());
                long now = System.nanoTime();
                out.setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(translated);
                byte[] bytes = translated.getBytes();
                if (answer != null && answered) {
                    answer.onBody(bytes, 0, bytes.length);
                }
                result.complete(new Outcome(status, null, now, System.nanoTime(), bytes.length,
                        answered ? Usage.ofJson(bytes, 0, bytes.length) : Usage.UNKNOWN));
            });
        }
        return result.future();
    }

    /**
     * The whole body of an answer whose head has not been relayed yet; fails when the upstream breaks off or falls
     * silent for longer than its idle timeout (the request's own idle timeout no longer runs once the head is in).
     */
    private Future<Buffer> readBody(UpstreamResponse r) {
        HttpClientResponse res = r.response();
        IdleWatch idle = new IdleWatch(r);
        Promise<Buffer> body = Promise.promise();
        Buffer whole = Buffer.buffer();
        res.handler(chunk -> {
            idle.lastChunkNanos = System.nanoTime();
            whole.appendBuffer(chunk);
        });
        res.endHandler(v -> {
            idle.stop();
            body.tryComplete(whole);
        });
        res.exceptionHandler(err -> body.tryFail(idle.stop() ? new TimeoutException("idle") : err));
        res.resume();
        return body.future();
    }

    /** A whole answer that broke off before any of it was relayed: the caller gets the error, as for no answer. */
    private static void answerBrokenBody(HttpServerResponse out, String targetName, Throwable cause,
                                         Promise<Outcome> result) {
        boolean gone = cause instanceof ClientGoneException || out.closed();
        if (!gone) {
            GatewayError e = isTimeout(cause)
                    ? GatewayError.upstreamTimeout(targetName, "in the middle of the answer")
                    : GatewayError.upstreamFailed(targetName, "the answer broke off");
            out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            out.setStatusCode(e.status()).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(e.toJson());
        }
        result.complete(new Outcome(gone ? 499 : 502, gone ? "client_closed" : "upstream_stream_broken",
                -1, System.nanoTime(), 0, Usage.UNKNOWN));
    }

    private static Chunks chunksOf(ResponseTranslator.StreamTranslator st) {
        return new Chunks() {
            @Override
            public Buffer chunk(Buffer in) {
                return st.onChunk(in);
            }

            @Override
            public Buffer end() {
                return st.onEnd();
            }
        };
    }

    /**
     * A whole successful answer under output guardrails: read, translated, checked, then written as the guardrails
     * left it, or replaced by a 400 {@code guardrail_violation} in the caller's dialect (the upstream's usage is
     * still logged: it was spent).
     */
    private void relayGuardedBody(UpstreamResponse r, HttpServerResponse out, String targetName,
                                  ResponseTranslator translator, OutputGuard guard, AnswerText answer,
                                  Promise<Outcome> result) {
        HttpClientResponse res = r.response();
        out.headers().remove(HttpHeaderNames.CONTENT_ENCODING).remove(HttpHeaderNames.ETAG);
        readBody(r).onComplete(body -> {
            if (body.failed()) {
                answerBrokenBody(out, targetName, body.cause(), result);
                return;
            }
            int refusal = translator.status(r.status(), body.result());
            Buffer translated = translator.body(refusal, body.result());
            if (refusal != r.status()) {
                // the translator found a refusal in the answer: an error, with no text to check
                out.setStatusCode(refusal).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(translated);
                result.complete(new Outcome(refusal, null, System.nanoTime(), System.nanoTime(), translated.length(),
                        Usage.UNKNOWN));
                return;
            }
            byte[] answered = translated.getBytes();
            Usage usage = Usage.ofJson(answered, 0, answered.length);
            guard.body(translated).onComplete(checked -> {
                if (out.closed()) {
                    result.complete(new Outcome(499, "client_closed", -1, System.nanoTime(), 0, usage));
                    return;
                }
                if (checked.failed()) {
                    LOG.errorf(checked.cause(), "output guardrails failed on an answer of %s", targetName);
                }
                boolean blocked = checked.failed() || checked.result().blocked();
                Buffer send = checked.failed() ? guard.errorBody(GatewayError.internal()) : checked.result().body();
                int status = checked.failed() ? 500 : blocked ? 400 : r.status();
                long now = System.nanoTime();
                out.setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json").end(send);
                if (answer != null && !blocked) {
                    byte[] sent = send.getBytes();
                    answer.onBody(sent, 0, sent.length);
                }
                result.complete(new Outcome(status, checked.failed() ? "internal_error"
                        : blocked ? GatewayError.GUARDRAIL_VIOLATION : null, now, System.nanoTime(), send.length(), usage));
            });
        });
    }

    /**
     * A stream under output guardrails. Chunks are batched while a check runs (so a slow check, a webhook, is asked
     * at most once at a time, about everything that came meanwhile), and the upstream is paused when the batch grows
     * past {@link #GUARD_BATCH_LIMIT} or the caller reads slowly. A block writes the guard's error event, ends the
     * response, and cancels the upstream call.
     */
    private void pipeGuarded(UpstreamResponse r, HttpServerResponse out, String targetName, Chunks chunks,
                             ResponseTranslator translator, StreamGuard guard, AnswerText answer,
                             Promise<Outcome> result) {
        HttpClientResponse res = r.response();
        ResponseTap tap = new ResponseTap(true, answer);
        IdleWatch idle = new IdleWatch(r);
        /** The state of the one guarded stream; touched only from the request's event loop. */
        final class GuardedStream {
            Buffer pending = Buffer.buffer();
            boolean checking;
            boolean ended;
            boolean endChecked;
            boolean done;
            boolean paused;

            void start() {
                res.handler(chunk -> {
                    idle.lastChunkNanos = System.nanoTime();
                    Buffer toClient = chunks.chunk(chunk);
                    if (toClient != null && toClient.length() > 0) {
                        pending.appendBuffer(toClient);
                    }
                    if (checking && pending.length() > GUARD_BATCH_LIMIT) {
                        pause();
                    }
                    next();
                });
                res.endHandler(v -> {
                    idle.stop();
                    ended = true;
                    Buffer last = chunks.end();
                    if (last != null && last.length() > 0) {
                        pending.appendBuffer(last);
                    }
                    next();
                });
                res.exceptionHandler(err -> {
                    if (done) {
                        return; // our own cancel, after a block
                    }
                    boolean idleTimeout = idle.stop();
                    finish(idleTimeout ? new TimeoutException("idle") : err, 502, "upstream_stream_broken");
                });
                res.resume();
            }

            /** Checks what is pending, unless a check runs; once the upstream ended and all is sent, ends. */
            void next() {
                if (done || checking) {
                    return;
                }
                if (pending.length() > 0) {
                    Buffer batch = pending;
                    pending = Buffer.buffer();
                    checking = true;
                    guard.onChunk(batch).onComplete(this::checked);
                } else if (ended && !endChecked) {
                    endChecked = true;
                    checking = true;
                    guard.onEnd().onComplete(this::checked);
                } else if (ended) {
                    done = true;
                    out.end();
                    complete(r.status(), null);
                }
            }

            void checked(AsyncResult<Buffer> checked) {
                checking = false;
                if (done) {
                    return;
                }
                if (out.closed()) {
                    finish(new ClientGoneException(), 499, "client_closed");
                    return;
                }
                if (checked.failed()) {
                    LOG.errorf(checked.cause(), "output guardrails failed on a stream of %s", targetName);
                    finish(checked.cause(), 500, "internal_error");
                    return;
                }
                Buffer send = checked.result();
                if (send.length() > 0) {
                    tap.onChunk(send, System.nanoTime());
                }
                if (guard.blocked()) {
                    done = true;
                    idle.stop();
                    out.end(send);
                    r.request().reset(0, new ClientGoneException());
                    complete(r.status(), GatewayError.GUARDRAIL_VIOLATION);
                    return;
                }
                if (send.length() > 0) {
                    out.write(send);
                }
                if (out.writeQueueFull()) {
                    pause();
                    out.drainHandler(v -> resume());
                } else {
                    resume();
                }
                next();
            }

            void pause() {
                if (!paused) {
                    paused = true;
                    res.pause();
                }
            }

            void resume() {
                if (paused && !done) {
                    paused = false;
                    res.resume();
                }
            }

            /** The stream cannot go on: the caller gets an error event (unless it left), the upstream is cancelled. */
            void finish(Throwable err, int status, String code) {
                done = true;
                idle.stop();
                boolean clientGone = err instanceof ClientGoneException || out.closed();
                if (!clientGone) {
                    endBrokenResponse(out, true, targetName, err, translator);
                }
                r.request().reset(0, new ClientGoneException());
                complete(clientGone ? 499 : status, clientGone ? "client_closed" : code);
            }

            void complete(int status, String code) {
                result.tryComplete(new Outcome(status, code, tap.firstByteNanos, System.nanoTime(), tap.bytes,
                        tap.usage()));
            }
        }
        new GuardedStream().start();
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
                      ResponseTranslator translator, AnswerText answer, Promise<Outcome> result) {
        HttpClientResponse res = r.response();
        ResponseTap tap = new ResponseTap(sse, answer);
        IdleWatch idle = new IdleWatch(r); // a JSON body that stalls half-way is cut as a stream is
        res.handler(chunk -> {
            idle.lastChunkNanos = System.nanoTime();
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
            idle.stop();
            Buffer last = chunks.end();
            if (last != null && last.length() > 0) {
                tap.onChunk(last, System.nanoTime());
                out.end(last);
            } else {
                out.end();
            }
            Usage usage = tap.usage();
            if (answer != null && !sse) {
                tap.answerTo(answer);
            }
            result.tryComplete(new Outcome(r.status(), null, tap.firstByteNanos, System.nanoTime(), tap.bytes, usage));
        });
        res.exceptionHandler(err -> {
            boolean idleTimeout = idle.stop();
            // Resetting the upstream call closes its connection, and that close may be reported instead of the
            // ClientGoneException cause: a closed client connection is what says the client went away.
            boolean clientGone = err instanceof ClientGoneException || out.closed();
            if (!clientGone) {
                endBrokenResponse(out, sse, targetName, idleTimeout ? new TimeoutException("idle") : err, translator);
            }
            Usage partial = sse ? tap.usage() : Usage.UNKNOWN;
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

    /** Server-sent events, or AWS's binary event stream (Bedrock's ConverseStream), which its adapter translates. */
    public static boolean isEventStream(String contentType) {
        return contentType != null && (contentType.regionMatches(true, 0, "text/event-stream", 0, 17)
                || contentType.regionMatches(true, 0, "application/vnd.amazon.eventstream", 0, 34));
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

    private static boolean among(String[] names, String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
