package dev.switchboard.mcpgateway.upstream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a {@code text/event-stream} into {@link SseEvent}s as chunks arrive (a line or an event may span chunks), by
 * the rules of the HTML event-stream format: lines end with CRLF, LF or CR; {@code :} starts a comment; one space after
 * the field's colon is dropped; a blank line ends the event. Unknown fields are ignored.
 */
public final class SseParser {

    /** An event larger than this ends the stream with an error rather than fill the memory. */
    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final Consumer<SseEvent> onEvent;
    private final StringBuilder line = new StringBuilder();
    private boolean lastWasCr;
    private String id;
    private String event;
    private StringBuilder data;
    private Long retry;
    private StringBuilder comment;
    private int eventBytes;

    public SseParser(Consumer<SseEvent> onEvent) {
        this.onEvent = onEvent;
    }

    public void feed(Buffer chunk) {
        String text = chunk.toString(StandardCharsets.UTF_8);
        eventBytes += chunk.length();
        if (eventBytes > MAX_EVENT_BYTES) {
            throw new IllegalStateException("an event of the stream is larger than " + MAX_EVENT_BYTES + " bytes");
        }
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

    /** The stream ended; an event not closed by a blank line is dropped, as the format says. */
    public void end() {
        line.setLength(0);
    }

    private void endLine() {
        if (line.length() == 0) {
            dispatch();
            return;
        }
        String l = line.toString();
        line.setLength(0);
        int colon = l.indexOf(':');
        if (colon == 0) {
            String text = l.substring(1);
            comment = comment == null ? new StringBuilder(text) : comment.append('\n').append(text);
            return;
        }
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            }
            case "event" -> event = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    retry = Long.parseLong(value);
                }
            }
            default -> { }
        }
    }

    private void dispatch() {
        if (id == null && event == null && data == null && retry == null && comment == null) {
            return;
        }
        SseEvent e = new SseEvent(id, event, data == null ? null : data.toString(), retry,
                comment == null ? null : comment.toString());
        id = null;
        event = null;
        data = null;
        retry = null;
        comment = null;
        eventBytes = 0;
        onEvent.accept(e);
    }
}
