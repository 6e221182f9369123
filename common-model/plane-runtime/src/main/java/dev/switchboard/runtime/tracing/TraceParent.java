package dev.switchboard.runtime.tracing;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context ids as longs, so that the request path keeps them without allocating: {@link #parse} reads a
 * {@code traceparent} header, {@link #format} writes one, {@link #newId} makes a span or trace id half.
 * A trace id is two longs (high, low), a span id one; 0 is the invalid id.
 */
public final class TraceParent {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The ids of a valid header: trace id high and low, parent span id, flags. */
    public record Parsed(long traceHigh, long traceLow, long spanId, int flags) {
    }

    private TraceParent() {
    }

    /** A valid version-00 header (or a later version's first four fields), else null: a bad header starts a new trace. */
    public static Parsed parse(String header) {
        if (header == null || header.length() < 55) {
            return null;
        }
        String h = header.trim();
        if (h.length() < 55 || h.charAt(2) != '-' || h.charAt(35) != '-' || h.charAt(52) != '-'
                || !isHex(h, 0, 2) || !isHex(h, 3, 35) || !isHex(h, 36, 52) || !isHex(h, 53, 55)
                || h.startsWith("ff") || (h.length() > 55 && (h.startsWith("00") || h.charAt(55) != '-'))) {
            return null;
        }
        long high = hex(h, 3, 19);
        long low = hex(h, 19, 35);
        long span = hex(h, 36, 52);
        if ((high == 0 && low == 0) || span == 0) {
            return null;
        }
        return new Parsed(high, low, span, (int) hex(h, 53, 55));
    }

    /** {@code 00-<trace id>-<span id>-<flags>}. */
    public static String format(long traceHigh, long traceLow, long spanId, int flags) {
        char[] out = new char[55];
        out[0] = '0';
        out[1] = '0';
        out[2] = '-';
        put(out, 3, traceHigh);
        put(out, 19, traceLow);
        out[35] = '-';
        put(out, 36, spanId);
        out[52] = '-';
        out[53] = HEX[(flags >> 4) & 0xf];
        out[54] = HEX[flags & 0xf];
        return new String(out);
    }

    /** 32 lowercase hex digits. */
    public static String traceId(long high, long low) {
        char[] out = new char[32];
        put(out, 0, high);
        put(out, 16, low);
        return new String(out);
    }

    /** 16 lowercase hex digits. */
    public static String spanId(long id) {
        char[] out = new char[16];
        put(out, 0, id);
        return new String(out);
    }

    /** A random non-zero id. */
    public static long newId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    private static void put(char[] out, int at, long value) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The lowercase hex digits from {@code from} to {@code to}, checked by {@link #isHex}, as a number. */
    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return v;
    }
}
