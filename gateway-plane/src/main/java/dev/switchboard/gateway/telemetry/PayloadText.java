package dev.switchboard.gateway.telemetry;

import java.nio.charset.StandardCharsets;

/**
 * Text bounded in UTF-8 bytes, for payload logging: appended piece by piece, never holding more than its cap, cut on a
 * character boundary and marked {@link #truncated()} once something did not fit. Pure; one per payload.
 */
public final class PayloadText {

    private final int cap;
    private final StringBuilder text = new StringBuilder();
    private int bytes;
    private boolean truncated;

    public PayloadText(int capBytes) {
        this.cap = capBytes;
    }

    /** Appends as much of {@code piece} as fits; false once the cap is reached (the rest need not be read). */
    public boolean append(CharSequence piece) {
        if (truncated) {
            return false;
        }
        int i = 0;
        while (i < piece.length()) {
            char c = piece.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < piece.length()
                    && Character.isLowSurrogate(piece.charAt(i + 1));
            int n = pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes + n > cap) {
                truncated = true;
                return false;
            }
            text.append(c);
            if (pair) {
                text.append(piece.charAt(i + 1));
            }
            bytes += n;
            i += pair ? 2 : 1;
        }
        return true;
    }

    public boolean truncated() {
        return truncated;
    }

    /** The UTF-8 length of the text held. */
    public int bytes() {
        return bytes;
    }

    public boolean isEmpty() {
        return text.isEmpty();
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** The first {@code cap} bytes of UTF-8 {@code body} as text, cut before a character that does not fit whole. */
    public static String head(byte[] body, int cap) {
        if (body.length <= cap) {
            return new String(body, StandardCharsets.UTF_8);
        }
        int end = cap;
        while (end > 0 && (body[end] & 0xC0) == 0x80) {
            end--; // body[end] continues the character that starts before it
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }
}
