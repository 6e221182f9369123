package dev.switchboard.runtime.sse;

import io.vertx.core.buffer.Buffer;

/**
 * One server-sent event as it came, field by field, so that it can be relayed faithfully: its {@code id} (for
 * resumption with {@code Last-Event-ID}), {@code event} type, {@code data} (null when the event had no data line;
 * empty for a priming event's {@code data:}), {@code retry} and any comment lines (keep-alives).
 */
public record SseEvent(String id, String event, String data, Long retry, String comment) {

    public static SseEvent message(String id, String data) {
        return new SseEvent(id, "message", data, null, null);
    }

    /** The wire form, ending with the blank line that dispatches it. */
    public Buffer toBuffer() {
        StringBuilder b = new StringBuilder(data == null ? 32 : data.length() + 48);
        if (comment != null) {
            for (String line : comment.split("\n", -1)) {
                b.append(':').append(line).append('\n');
            }
        }
        if (event != null) {
            b.append("event: ").append(event).append('\n');
        }
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        if (retry != null) {
            b.append("retry: ").append(retry).append('\n');
        }
        if (data != null) {
            for (String line : data.split("\n", -1)) {
                b.append("data: ").append(line).append('\n');
            }
        }
        return Buffer.buffer(b.append('\n').toString());
    }
}
