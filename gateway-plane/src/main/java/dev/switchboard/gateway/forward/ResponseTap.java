package dev.switchboard.gateway.forward;

import dev.switchboard.gateway.guardrail.AnswerText;
import dev.switchboard.gateway.telemetry.LargeAnswerUsage;
import dev.switchboard.gateway.telemetry.Usage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * Watches a response as it passes through, without holding it up: when the first byte went out, and the bytes needed
 * afterwards to read the usage (the whole body of a JSON answer, up to a cap, past which {@link LargeAnswerUsage} reads
 * it as it passes; the tail of a stream). It keeps the
 * chunks themselves, not a copy: each chunk is a buffer of its own that nobody changes once it is written (Vert.x's
 * client hands every piece of the body over in a fresh heap buffer, translators and guards make a new one per call),
 * so a JSON answer that came in one piece is read where it lies, and a stream's tail is put together once, at its end,
 * instead of being shifted along at every event.
 */
final class ResponseTap {

    private static final int JSON_KEEP = 256 * 1024;
    private static final int SSE_TAIL = 8 * 1024;
    /** Where a stream's tail is put together to be read: the read is done before the event loop does anything else. */
    private static final ThreadLocal<byte[]> TAIL = ThreadLocal.withInitial(() -> new byte[SSE_TAIL]);

    private final boolean stream;
    /** The answer's text for payload logging, fed with every piece of a stream; null when payloads are not logged. */
    private final AnswerText answer;
    /** The chunks kept, oldest first: all of a JSON answer's; a stream's last ones, {@link #SSE_TAIL} bytes or more. */
    private final ArrayDeque<Buffer> kept = new ArrayDeque<>(4);
    private int keptBytes;
    /** The usage of a whole answer past {@link #JSON_KEEP}, read as it passes; null below it. */
    private LargeAnswerUsage large;
    long firstByteNanos = -1;
    long bytes;

    ResponseTap(boolean stream, AnswerText answer) {
        this.stream = stream;
        this.answer = answer;
    }

    void onChunk(Buffer chunk, long nowNanos) {
        if (firstByteNanos < 0) {
            firstByteNanos = nowNanos;
        }
        int n = chunk.length();
        bytes += n;
        if (stream) {
            kept.addLast(chunk);
            keptBytes += n;
            // drop the oldest chunks the tail no longer reaches into
            while (keptBytes - kept.peekFirst().length() >= SSE_TAIL) {
                keptBytes -= kept.removeFirst().length();
            }
            if (answer != null) {
                answer.onChunk(chunk);
            }
        } else if (large == null) {
            if (keptBytes + n > JSON_KEEP) {
                large = new LargeAnswerUsage();
                for (Buffer k : kept) {
                    feedLarge(k);
                }
                kept.clear();
                keptBytes = 0;
                feedLarge(chunk);
                return;
            }
            kept.addLast(chunk);
            keptBytes += n;
        } else {
            feedLarge(chunk);
        }
    }

    /** Past the cap: the piece read where it lies by {@link #large} (copied only if it has no array). */
    private void feedLarge(Buffer chunk) {
        if (large.finished()) {
            return; // audio, or past the JSON's end
        }
        ByteBuf b = chunk.getByteBuf();
        if (b.hasArray()) {
            large.feed(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
        } else {
            large.feed(chunk.getBytes(), 0, chunk.length());
        }
    }

    /** The usage of the answer as kept: a whole JSON answer's, or the last one in the stream's tail. */
    Usage usage() {
        if (stream) {
            int length = Math.min(keptBytes, SSE_TAIL);
            byte[] tail = TAIL.get();
            copyLast(length, tail);
            return Usage.ofSseTail(tail, length);
        }
        if (large != null) {
            return large.usage();
        }
        if (keptBytes == 0) {
            return Usage.UNKNOWN;
        }
        Body body = body();
        return Usage.ofJson(body.bytes, body.offset, body.length);
    }

    /** Hands a whole JSON answer, as kept, to payload logging. */
    void answerTo(AnswerText text) {
        if (large == null && keptBytes > 0) {
            Body body = body();
            text.onBody(body.bytes, body.offset, body.length);
        }
    }

    private record Body(byte[] bytes, int offset, int length) {
    }

    /** A whole answer's bytes: where the one chunk holds them, or the chunks put together. */
    private Body body() {
        if (kept.size() == 1) {
            ByteBuf b = kept.peekFirst().getByteBuf();
            if (b.hasArray()) {
                return new Body(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
            }
        }
        byte[] whole = new byte[keptBytes];
        copyLast(keptBytes, whole);
        return new Body(whole, 0, keptBytes);
    }

    /** Copies the last {@code length} bytes kept to the start of {@code to}. */
    private void copyLast(int length, byte[] to) {
        int skip = keptBytes - length;
        int at = 0;
        for (Buffer chunk : kept) {
            int n = chunk.length();
            if (skip >= n) {
                skip -= n;
                continue;
            }
            chunk.getBytes(skip, n, to, at);
            at += n - skip;
            skip = 0;
        }
    }
}
