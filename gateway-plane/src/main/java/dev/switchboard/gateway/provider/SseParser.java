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

    public SseParser(BiConsumer<String, String> onEvent) {
        this.onEvent = onEvent;
    }

    public void feed(Buffer chunk) {
        String text = chunk.toString(StandardCharsets.UTF_8);
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
