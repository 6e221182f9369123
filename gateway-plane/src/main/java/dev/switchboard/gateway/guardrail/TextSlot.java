package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where one piece of an answer's text sits: the member {@code field} of {@code holder}, which belongs to a
 * {@link Channel}. A {@code full} slot (only in streams) repeats the channel's whole text so far, as the Responses
 * API's {@code *.done} events do; the others carry a piece of it (a delta, or a whole answer's text).
 */
record TextSlot(Channel channel, ObjectNode holder, String field, boolean full) {

    JsonNode value() {
        return holder.get(field);
    }

    /**
     * One run of text in an answer: a choice's (or output item's) content, or one tool call's arguments. {@code group}
     * is the choice or output index, {@code item} the tool call, content block or content part (-1 when none).
     */
    record Channel(int group, int item, boolean arguments) {
    }
}
