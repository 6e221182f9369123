package dev.switchboard.gateway.guardrail;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a server-sent-events byte stream into whole events, each kept as its exact bytes (so that an event nothing
 * changes is relayed as it came) with its {@code event:} name and {@code data:} lines. An event cut by a chunk
 * boundary is held until its blank line arrives. Pure; one instance per stream.
 */
final class SseFrames {

    /** One event: its raw bytes (blank line included), name (null when none) and data (null when none). */
    record Frame(Buffer raw, String event, String data) {
    }

    private Buffer held = Buffer.buffer();
    private int scanned;
    private boolean lineEmpty = true;

    List<Frame> feed(Buffer chunk) {
        held.appendBuffer(chunk);
        List<Frame> frames = new ArrayList<>(4);
        int start = 0;
        for (int i = scanned; i < held.length(); i++) {
            byte b = held.getByte(i);
            if (b == '\n') {
                if (lineEmpty) {
                    frames.add(parse(held.getBuffer(start, i + 1)));
                    start = i + 1;
                }
                lineEmpty = true;
            } else if (b != '\r') {
                lineEmpty = false;
            }
        }
        held = start == 0 ? held : held.getBuffer(start, held.length());
        scanned = held.length();
        return frames;
    }

    /** What is left when the stream ends: an event without its closing blank line, if any. */
    List<Frame> finish() {
        if (held.length() == 0) {
            return List.of();
        }
        Frame last = parse(held);
        held = Buffer.buffer();
        scanned = 0;
        return List.of(last);
    }

    private static Frame parse(Buffer raw) {
        // whole events only: a UTF-8 sequence never contains a newline byte, so none is cut here
        String text = raw.toString(StandardCharsets.UTF_8);
        String event = null;
        StringBuilder data = null;
        int from = 0;
        int length = text.length();
        while (from < length) {
            // the lines as text.split("\r?\n") gives them, without compiling that pattern for every event
            int newline = text.indexOf('\n', from);
            int end = newline < 0 ? length : newline;
            String line = text.substring(from, end > from && text.charAt(end - 1) == '\r' && newline >= 0 ? end - 1 : end);
            from = newline < 0 ? length : newline + 1;
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            } else if (line.startsWith("event:")) {
                event = line.substring(line.startsWith("event: ") ? 7 : 6);
            }
        }
        return new Frame(raw, event, data == null ? null : data.toString());
    }
}
