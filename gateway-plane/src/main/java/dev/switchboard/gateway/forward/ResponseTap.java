package dev.switchboard.gateway.forward;

import dev.switchboard.gateway.guardrail.AnswerText;
import dev.switchboard.gateway.telemetry.LargeAnswerUsage;
import dev.switchboard.gateway.telemetry.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Watches a response as it passes through, without holding it up: when the first byte went out, and the bytes needed
 * afterwards to read the usage (the whole body of a JSON answer, up to a cap, past which it is read as it passes by
 * {@link LargeAnswerUsage}; the tail of a stream). Its buffer starts small and grows only as far as the answer needs:
 * most answers are a few kilobytes.
 */
final class ResponseTap {

    private static final int JSON_KEEP = 256 * 1024;
    private static final int SSE_TAIL = 8 * 1024;
    private static final int INITIAL = 2 * 1024;

    private final boolean stream;
    /** The answer's text for payload logging, fed with every piece of a stream; null when payloads are not logged. */
    private final AnswerText answer;
    private byte[] kept;
    private int length;
    private boolean overflow;
    /** The usage of a whole answer past {@link #JSON_KEEP}, read as it passes; null below it. */
    private LargeAnswerUsage large;
    long firstByteNanos = -1;
    long bytes;

    ResponseTap(boolean stream, AnswerText answer) {
        this(stream, answer, null);
    }

    /**
     * @param contentLength the answer's {@code Content-Length} header, if any: a whole answer's buffer is made that
     *                      size at once (most are well under the default start)
     */
    ResponseTap(boolean stream, AnswerText answer, String contentLength) {
        this.stream = stream;
        this.answer = answer;
        this.kept = new byte[stream ? INITIAL : initialSize(contentLength)];
    }

    private static int initialSize(String contentLength) {
        if (contentLength != null && !contentLength.isEmpty() && contentLength.length() <= 7) {
            try {
                int n = Integer.parseInt(contentLength);
                if (n > 0 && n <= JSON_KEEP) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a number: the default start, grown as needed
            }
        }
        return INITIAL;
    }

    void onChunk(Buffer chunk, long nowNanos) {
        if (firstByteNanos < 0) {
            firstByteNanos = nowNanos;
        }
        int n = chunk.length();
        bytes += n;
        if (stream) {
            keepTail(chunk, n);
            if (answer != null) {
                answer.onChunk(chunk);
            }
        } else if (!overflow) {
            if (length + n > JSON_KEEP) {
                overflow = true;
                large = new LargeAnswerUsage();
                large.feed(kept, 0, length);
                scan(chunk, n);
                return;
            }
            ensure(length + n);
            chunk.getBytes(0, n, kept, length);
            length += n;
        } else {
            scan(chunk, n);
        }
    }

    /** Past the cap: the piece goes through the kept buffer, now a scratch space, to {@link #large}. */
    private void scan(Buffer chunk, int n) {
        if (large.finished()) {
            return; // audio, or past the JSON's end
        }
        ensure(n);
        chunk.getBytes(0, n, kept, 0);
        large.feed(kept, 0, n);
    }

    /** The usage of a whole (not streamed) answer. */
    Usage jsonUsage() {
        return large != null ? large.usage() : Usage.ofJson(kept, 0, length);
    }

    /** Keeps the last {@link #SSE_TAIL} bytes: the usage arrives in the last events of a stream. */
    private void keepTail(Buffer chunk, int n) {
        if (n >= SSE_TAIL) {
            ensure(SSE_TAIL);
            chunk.getBytes(n - SSE_TAIL, n, kept, 0);
            length = SSE_TAIL;
            return;
        }
        int keep = Math.min(length, SSE_TAIL - n);
        ensure(keep + n);
        System.arraycopy(kept, length - keep, kept, 0, keep);
        chunk.getBytes(0, n, kept, keep);
        length = keep + n;
    }

    private void ensure(int capacity) {
        if (capacity > kept.length) {
            kept = Arrays.copyOf(kept, Math.max(capacity, kept.length * 2));
        }
    }

    byte[] kept() {
        return kept;
    }

    int keptLength() {
        return overflow ? 0 : length;
    }
}
