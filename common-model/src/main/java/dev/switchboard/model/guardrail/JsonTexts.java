package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The strings of a JSON payload with their paths ({@code $.messages[1].content}), and rewriting some of them in a deep
 * copy. Integral numbers are looked at as their decimal text too (a card number sent as a JSON number); object keys
 * are not.
 */
final class JsonTexts {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonTexts() {
    }

    interface Visitor {
        /** @param path the segments from the root: a {@code String} key or an {@code Integer} index; do not keep it */
        void text(List<Object> path, String text);
    }

    static void walk(JsonNode node, Visitor visitor) {
        walk(node, new ArrayList<>(), visitor);
    }

    private static void walk(JsonNode node, List<Object> path, Visitor visitor) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            visitor.text(path, node.textValue());
        } else if (node.isIntegralNumber()) {
            visitor.text(path, node.asText());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                walk(node.get(i), path, visitor);
                path.remove(path.size() - 1);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                path.add(field.getKey());
                walk(field.getValue(), path, visitor);
                path.remove(path.size() - 1);
            }
        }
    }

    /** {@code $}, {@code $.a[0].b}, {@code $['a key']}: the form every reason uses. */
    static String render(List<Object> path) {
        StringBuilder out = new StringBuilder("$");
        for (Object segment : path) {
            if (segment instanceof Integer i) {
                out.append('[').append(i).append(']');
            } else {
                String key = (String) segment;
                if (PLAIN_KEY.matcher(key).matches()) {
                    out.append('.').append(key);
                } else {
                    out.append("['").append(key.replace("\\", "\\\\").replace("'", "\\'")).append("']");
                }
            }
        }
        return out.toString();
    }

    /** A text replacing the value at {@code path}. */
    record Rewrite(List<Object> path, String text) {
    }

    /** A deep copy of {@code root} with each rewrite applied; {@code root} itself is never changed. */
    static JsonNode rewrite(JsonNode root, List<Rewrite> rewrites) {
        JsonNode copy = root.deepCopy();
        for (Rewrite r : rewrites) {
            if (r.path().isEmpty()) {
                copy = TextNode.valueOf(r.text());
                continue;
            }
            JsonNode parent = copy;
            for (int i = 0; i < r.path().size() - 1; i++) {
                Object segment = r.path().get(i);
                parent = segment instanceof Integer idx ? parent.get(idx) : parent.get((String) segment);
            }
            Object last = r.path().get(r.path().size() - 1);
            if (last instanceof Integer idx) {
                ((ArrayNode) parent).set(idx, TextNode.valueOf(r.text()));
            } else {
                ((ObjectNode) parent).put((String) last, r.text());
            }
        }
        return copy;
    }
}
