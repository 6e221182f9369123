package dev.switchboard.gateway.provider;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Splits a server-sent-events byte stream into events as chunks arrive, whatever the chunk boundaries: each event's
 * {@code event:} name (null when absent) and its {@code data:} lines joined by newlines. Comments and other fields are
 * skipped. Pure; one instance per stream.
 */
public final class SseParser {

    private final BiConsumer<String, String> onEvent;
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String event;
    private boolean hasData;
    private boolean lastWasCr;
    /** The start of a UTF-8 character cut off at the end of the last chunk, held until its last byte arrives. */
    private byte[] pending = new byte[0];

    public SseParser(BiConsumer<String, String> onEvent) {
        this.onEvent = onEvent;
    }

    public void feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        if (pending.length > 0) {
            byte[] joined = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(bytes, 0, joined, pending.length, bytes.length);
            bytes = joined;
        }
        int complete = completeUtf8Length(bytes);
        pending = java.util.Arrays.copyOfRange(bytes, complete, bytes.length);
        String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = c == '\r';
            if (c == '\n' || c == '\r') {
                endLine();
            } else {
                line.append(c);
            }
        }
    }

    /** How many leading bytes end on a character boundary: a multi-byte character cut at the end is left out. */
    static int completeUtf8Length(byte[] bytes) {
        int n = bytes.length;
        // a UTF-8 character is at most 4 bytes: look back at most 3 for the lead byte of the last one
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // a continuation byte: keep looking for the lead byte
            }
            int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }

    /** Dispatches an event left without its closing blank line (a stream that ended early). */
    public void finish() {
        if (line.length() > 0) {
            endLine();
        }
        dispatch();
    }

    private void endLine() {
        if (line.length() == 0) {
            dispatch();
            return;
        }
        String l = line.toString();
        line.setLength(0);
        if (l.startsWith(":")) {
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        } else if (field.equals("event")) {
            event = value;
        }
    }

    private void dispatch() {
        if (hasData) {
            onEvent.accept(event, data.toString());
        }
        event = null;
        data.setLength(0);
        hasData = false;
    }
}
