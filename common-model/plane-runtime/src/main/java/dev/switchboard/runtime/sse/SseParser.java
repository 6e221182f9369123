package dev.switchboard.runtime.sse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Splits a {@code text/event-stream} into {@link SseEvent}s as chunks arrive, whatever the chunk boundaries, by the
 * rules of the HTML event-stream format: lines end with CRLF, LF or CR; {@code :} starts a comment; one space after the
 * field's colon is dropped; a blank line ends the event; unknown fields are ignored. It works on bytes and decodes a
 * line only once it is whole, so a UTF-8 character cut by a chunk boundary arrives intact (CR and LF never occur
 * inside a multi-byte character). Pure; one instance per stream.
 */
public final class SseParser {

    /** An event larger than this ends the stream with an error rather than fill the memory. */
    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final Consumer<SseEvent> onEvent;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private int eventBytes;
    private String id;
    private String event;
    private StringBuilder data;
    private Long retry;
    private StringBuilder comment;

    public SseParser(Consumer<SseEvent> onEvent) {
        this.onEvent = onEvent;
    }

    /** A parser that hands on only the events with data: their {@code event} name (null when absent) and data. */
    public static SseParser dataEvents(BiConsumer<String, String> onData) {
        return new SseParser(e -> {
            if (e.data() != null) {
                onData.accept(e.event(), e.data());
            }
        });
    }

    public void feed(Buffer chunk) {
        feed(chunk.getBytes());
    }

    public void feed(byte[] bytes) {
        eventBytes += bytes.length;
        if (eventBytes > MAX_EVENT_BYTES) {
            throw new IllegalStateException("an event of the stream is larger than " + MAX_EVENT_BYTES + " bytes");
        }
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            boolean crlfTail = b == '\n' && lastWasCr && i == start && lineLength == 0;
            lastWasCr = b == '\r';
            if (!crlfTail) {
                append(bytes, start, i - start);
                endLine();
            }
            start = i + 1;
        }
        if (start < bytes.length) {
            lastWasCr = false;
            append(bytes, start, bytes.length - start);
        }
    }

    /** The stream ended; an event not closed by a blank line is dropped, as the format says. */
    public void end() {
        lineLength = 0;
        clearEvent();
    }

    /**
     * The stream ended; an event not closed by a blank line is still handed on. For provider streams, which may end
     * without the last blank line: the event carries the answer's end.
     */
    public void finish() {
        if (lineLength > 0) {
            endLine();
        }
        dispatch();
    }

    private void append(byte[] bytes, int from, int length) {
        if (length == 0) {
            return;
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength += length;
    }

    private void endLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        String l = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
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
            eventBytes = lineLength;
            return;
        }
        SseEvent e = new SseEvent(id, event, data == null ? null : data.toString(), retry,
                comment == null ? null : comment.toString());
        clearEvent();
        onEvent.accept(e);
    }

    private void clearEvent() {
        id = null;
        event = null;
        data = null;
        retry = null;
        comment = null;
        eventBytes = lineLength;
    }
}
