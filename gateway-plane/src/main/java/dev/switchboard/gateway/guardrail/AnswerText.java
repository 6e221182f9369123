package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.guardrail.SseFrames.Frame;
import dev.switchboard.gateway.guardrail.TextSlot.Channel;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.telemetry.PayloadText;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of an answer as the caller received it (after the output guardrails), for payload logging: each choice's,
 * content block's or output item's text and each tool call's arguments, found where {@link OutputDialect} finds them
 * for the guardrails. A stream's deltas are joined per channel; channels are separated by a newline. Holds at most its
 * cap in UTF-8 bytes (the events are not even parsed past it). One per logged answer, used on the request's event loop.
 */
public final class AnswerText {

    private final OutputDialect dialect;
    private final int capBytes;
    private final Map<Channel, PayloadText> channels = new LinkedHashMap<>(2);
    private final List<TextSlot> slots = new ArrayList<>(2);
    private SseFrames frames;
    private int used;
    private boolean truncated;

    public AnswerText(Endpoint endpoint, int capBytes) {
        this.dialect = OutputDialect.of(endpoint);
        this.capBytes = capBytes;
    }

    /** A piece of a stream, as written to the caller. */
    public void onChunk(Buffer chunk) {
        if (truncated) {
            return;
        }
        if (frames == null) {
            frames = new SseFrames();
        }
        for (Frame frame : frames.feed(chunk)) {
            event(frame);
        }
    }

    /** A whole answer, as written to the caller. */
    public void onBody(byte[] body, int offset, int length) {
        if (length == 0) {
            return;
        }
        try {
            dialect.bodySlots(OutputGuard.JSON.readTree(body, offset, length), slots);
        } catch (IOException e) {
            return; // not JSON: no text to log
        }
        take();
    }

    private void event(Frame frame) {
        if (frame.data() == null || !frame.data().startsWith("{")) {
            return;
        }
        try {
            dialect.eventSlots(frame.event(), OutputGuard.JSON.readTree(frame.data()), slots);
        } catch (IOException e) {
            return;
        }
        // full slots repeat a text the deltas already gave
        slots.removeIf(TextSlot::full);
        take();
    }

    private void take() {
        for (TextSlot slot : slots) {
            if (!truncated) {
                append(slot.channel(), slot.value());
            }
        }
        slots.clear();
    }

    private void append(Channel channel, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        PayloadText text = channels.get(channel);
        if (text == null) {
            // a newline goes between channels; it counts against the cap like the text
            int separator = channels.isEmpty() ? 0 : 1;
            if (used + separator >= capBytes) {
                truncated = true;
                return;
            }
            used += separator;
            text = new PayloadText(capBytes - used);
            channels.put(channel, text);
        }
        String piece = value.isTextual() ? value.asText() : value.isArray() ? parts(value) : value.toString();
        int before = text.bytes();
        boolean fits = text.append(piece);
        used += text.bytes() - before;
        if (!fits) {
            truncated = true;
        }
    }

    /** OpenAI content parts: their texts joined. */
    private static String parts(JsonNode array) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode part : array) {
            joined.append(part.path("text").asText(""));
        }
        return joined.toString();
    }

    /** The text so far; empty when the answer had none. */
    public String text() {
        if (frames != null && !truncated) {
            for (Frame frame : frames.finish()) {
                event(frame);
            }
        }
        if (channels.size() == 1) {
            return channels.values().iterator().next().toString();
        }
        StringBuilder out = new StringBuilder();
        for (PayloadText t : channels.values()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(t);
        }
        return out.toString();
    }

    public boolean truncated() {
        return truncated;
    }
}
