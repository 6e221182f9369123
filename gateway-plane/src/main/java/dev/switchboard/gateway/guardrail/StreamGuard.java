package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.guardrail.SseFrames.Frame;
import dev.switchboard.gateway.guardrail.TextSlot.Channel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code llm_output} hook for one stream, which still streams: each batch of events the upstream sends is held
 * only while its new text is checked, then relayed (rewritten if a guardrail redacted something) or, on a block,
 * replaced by an error event in the caller's dialect that ends the stream.
 *
 * <p>Each channel's text (a choice's content, a tool call's arguments) accumulates; a check sees, per channel, the new
 * text after the last {@link #WINDOW} characters already sent, so that a finding split across chunks is still seen
 * whole while each check costs at most the window plus the new text, however long the answer. Events without text
 * (role, finish reason, usage, {@code [DONE]}) pass as they came, unchecked. Redaction: see {@link StreamRedaction}.
 * Calls are serial (the forwarder waits for each future before the next call); futures complete on the request's
 * context.
 */
public final class StreamGuard {

    /** How much text already sent each check looks back at, per channel. */
    static final int WINDOW = 4096;

    private final OutputGuard guard;
    private final SseFrames frames = new SseFrames();
    private final Map<Channel, ChannelText> channels = new HashMap<>();
    private boolean blocked;
    /** Whether a check has run for this stream. */
    private boolean checked;
    private long nextSequence;

    private static final class ChannelText {
        String sentTail = "";
        /** The whole text sent, kept only for dialects that repeat it ({@link OutputDialect#repeatsText}). */
        StringBuilder sent;
        boolean rewritten;
    }

    /** One event with the slots found in it (none: relayed as it came). */
    private record Parsed(Frame frame, JsonNode data, List<TextSlot> slots) {
    }

    StreamGuard(OutputGuard guard) {
        this.guard = guard;
    }

    /** True once a guardrail blocked: what {@link #onChunk} returned last ends the stream; the upstream must stop. */
    public boolean blocked() {
        return blocked;
    }

    /** Checks the events in {@code chunk} (bytes in the caller's format); yields what to send now, possibly nothing. */
    public Future<Buffer> onChunk(Buffer chunk) {
        return blocked ? Future.succeededFuture(Buffer.buffer()) : process(frames.feed(chunk));
    }

    /** The stream ended: checks an event left without its blank line, if any. */
    public Future<Buffer> onEnd() {
        return blocked ? Future.succeededFuture(Buffer.buffer()) : process(frames.finish());
    }

    private Future<Buffer> process(List<Frame> batch) {
        if (batch.isEmpty()) {
            return Future.succeededFuture(Buffer.buffer());
        }
        List<Parsed> events = new ArrayList<>(batch.size());
        Map<Channel, StringBuilder> newText = new LinkedHashMap<>();
        boolean anyText = false;
        for (Frame frame : batch) {
            Parsed parsed = parse(frame);
            events.add(parsed);
            for (TextSlot slot : parsed.slots()) {
                if (!slot.full()) {
                    String piece = slot.value().asText();
                    newText.computeIfAbsent(slot.channel(), c -> new StringBuilder()).append(piece);
                    anyText |= !piece.isEmpty();
                }
            }
        }
        if (newText.isEmpty() || !anyText && checked) {
            // no new text (a role event's empty content, empty deltas) once the stream has had a check: the window
            // alone was checked already, so the events are relayed as they came; the stream's first check still runs,
            // so that its audit entries are there even when the stream never carries text
            return Future.succeededFuture(render(events, Map.of()));
        }
        checked = true;
        CheckPayload payload = new CheckPayload();
        Map<Channel, JsonPointer> pointers = new LinkedHashMap<>();
        for (Map.Entry<Channel, StringBuilder> e : newText.entrySet()) {
            String window = text(e.getKey()).sentTail + e.getValue();
            pointers.put(e.getKey(), payload.put(guard.dialect.path(e.getKey()), OutputGuard.text(window)));
        }
        return guard.check(payload.root()).map(result -> {
            if (result.blocked()) {
                blocked = true;
                return guard.dialect.errorEvent(OutputGuard.violation(result), nextSequence);
            }
            Map<Channel, String> send = new HashMap<>();
            for (Map.Entry<Channel, StringBuilder> e : newText.entrySet()) {
                ChannelText channel = text(e.getKey());
                String fresh = e.getValue().toString();
                String out = fresh;
                if (result.rewritten()) {
                    JsonNode rewritten = result.payload().at(pointers.get(e.getKey()));
                    if (rewritten.isTextual()) {
                        out = StreamRedaction.unsent(channel.sentTail, fresh, rewritten.asText());
                    }
                }
                if (!out.equals(fresh)) {
                    channel.rewritten = true;
                    send.put(e.getKey(), out);
                }
                channel.sentTail = StreamRedaction.tail(channel.sentTail + out, WINDOW);
                if (channel.sent != null) {
                    channel.sent.append(out);
                }
            }
            return render(events, send);
        });
    }

    private Parsed parse(Frame frame) {
        if (frame.data() == null || !frame.data().startsWith("{")) {
            return new Parsed(frame, null, List.of());
        }
        JsonNode data;
        try {
            data = OutputGuard.JSON.readTree(frame.data());
        } catch (IOException e) {
            return new Parsed(frame, null, List.of());
        }
        if (data.hasNonNull("sequence_number")) {
            nextSequence = data.get("sequence_number").asLong() + 1;
        }
        List<TextSlot> slots = new ArrayList<>(1);
        guard.dialect.eventSlots(frame.event(), data, slots);
        slots.removeIf(slot -> slot.value() == null || !slot.value().isTextual());
        return new Parsed(frame, data, slots);
    }

    private ChannelText text(Channel channel) {
        return channels.computeIfAbsent(channel, c -> {
            ChannelText t = new ChannelText();
            if (guard.dialect.repeatsText()) {
                t.sent = new StringBuilder();
            }
            return t;
        });
    }

    /**
     * The events to send: as they came, but for those with rewritten text. A channel's rewritten new text goes in its
     * first slot of the batch, split by the original lengths when a mask kept them, and its other slots get "".
     */
    private Buffer render(List<Parsed> events, Map<Channel, String> send) {
        Buffer out = Buffer.buffer();
        Map<Channel, Integer> lengths = new HashMap<>();
        for (Parsed event : events) {
            for (TextSlot slot : event.slots()) {
                if (!slot.full()) {
                    lengths.merge(slot.channel(), slot.value().asText().length(), Integer::sum);
                }
            }
        }
        Map<Channel, Integer> taken = new HashMap<>();
        for (Parsed event : events) {
            boolean changed = false;
            for (TextSlot slot : event.slots()) {
                Channel c = slot.channel();
                if (slot.full()) {
                    ChannelText channel = channels.get(c);
                    if (channel != null && channel.rewritten && channel.sent != null) {
                        slot.holder().put(slot.field(), channel.sent.toString());
                        changed = true;
                    }
                    continue;
                }
                String rewritten = send.get(c);
                if (rewritten == null) {
                    continue;
                }
                String original = slot.value().asText();
                int from = taken.getOrDefault(c, 0);
                String piece;
                if (rewritten.length() == lengths.get(c)) {
                    piece = rewritten.substring(from, from + original.length());
                    taken.put(c, from + original.length());
                } else {
                    piece = from == 0 ? rewritten : "";
                    taken.put(c, rewritten.length());
                }
                slot.holder().put(slot.field(), piece);
                changed = true;
            }
            if (changed) {
                if (event.frame().event() != null) {
                    out.appendString("event: ").appendString(event.frame().event()).appendString("\n");
                }
                out.appendString("data: ").appendString(event.data().toString()).appendString("\n\n");
            } else {
                out.appendBuffer(event.frame().raw());
            }
        }
        return out;
    }
}
