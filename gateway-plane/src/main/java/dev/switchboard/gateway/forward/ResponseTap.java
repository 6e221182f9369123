package dev.switchboard.gateway.forward;

import io.vertx.core.buffer.Buffer;

/**
 * Watches a response as it passes through, without holding it up: when the first byte went out, and the bytes needed
 * afterwards to read the usage (the whole body of a JSON answer, the tail of a stream).
 */
final class ResponseTap {

    private static final int JSON_KEEP = 256 * 1024;
    private static final int SSE_TAIL = 8 * 1024;

    private final boolean stream;
    private final byte[] kept;
    private int length;
    private boolean overflow;
    long firstByteNanos = -1;
    long bytes;

    ResponseTap(boolean stream) {
        this.stream = stream;
        this.kept = new byte[stream ? SSE_TAIL : JSON_KEEP];
    }

    void onChunk(Buffer chunk, long nowNanos) {
        if (firstByteNanos < 0) {
            firstByteNanos = nowNanos;
        }
        bytes += chunk.length();
        int n = chunk.length();
        if (stream) {
            // a ring would avoid the shift, but the tail is small and most chunks are smaller still
            if (n >= kept.length) {
                chunk.getBytes(n - kept.length, n, kept, 0);
                length = kept.length;
            } else {
                int keep = Math.min(length, kept.length - n);
                System.arraycopy(kept, length - keep, kept, 0, keep);
                chunk.getBytes(0, n, kept, keep);
                length = keep + n;
            }
        } else if (!overflow) {
            if (length + n > kept.length) {
                overflow = true;
            } else {
                chunk.getBytes(0, n, kept, length);
                length += n;
            }
        }
    }

    byte[] kept() {
        return kept;
    }

    int keptLength() {
        return overflow ? 0 : length;
    }
}
