package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the payload an output check sees: the answer reduced to its text, in the caller's shape (for chat,
 * {@code {"choices":[{"index":0,"message":{"content":"..."}}]}}), whatever members the answer has besides (ids,
 * usage) left out so that no detector mistakes them for findings. Each text is placed by a path of member names and
 * {@link Index} steps (array elements carrying an {@code index} member, as the wire formats do); {@link #put} answers
 * where it went, to read the guardrails' rewrite back.
 */
final class CheckPayload {

    /** An array element, found or added by its {@code index} member. */
    record Index(int value) {
    }

    private final ObjectNode root = JsonNodeFactory.instance.objectNode();

    ObjectNode root() {
        return root;
    }

    JsonPointer put(List<Object> path, JsonNode value) {
        JsonNode current = root;
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            Object step = path.get(i);
            boolean last = i == path.size() - 1;
            if (step instanceof String field) {
                ObjectNode object = (ObjectNode) current;
                pointer.append('/').append(field.replace("~", "~0").replace("/", "~1"));
                if (last) {
                    object.set(field, value);
                    break;
                }
                JsonNode child = object.get(field);
                if (child == null) {
                    child = path.get(i + 1) instanceof Index ? object.putArray(field) : object.putObject(field);
                }
                current = child;
            } else {
                int wanted = ((Index) step).value();
                ArrayNode array = (ArrayNode) current;
                int position = -1;
                for (int p = 0; p < array.size(); p++) {
                    if (array.get(p).path("index").asInt(Integer.MIN_VALUE) == wanted) {
                        position = p;
                        break;
                    }
                }
                if (position < 0) {
                    array.addObject().put("index", wanted);
                    position = array.size() - 1;
                }
                pointer.append('/').append(position);
                current = array.get(position);
            }
        }
        return JsonPointer.compile(pointer.toString());
    }
}
