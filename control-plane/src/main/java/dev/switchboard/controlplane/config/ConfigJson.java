package dev.switchboard.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.codec.ConfigCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The JSON forms of config parts outside the codec's own use: trees for diffs, and the masking that keeps sealed
 * secrets out of every API response. A secret's JSON is {@code {"sealed": "v1:..."}} or {@code {"env": "NAME"}};
 * responses show a sealed one as {@code {"sealed": "***"}} and diffs as {@code {"sealed": "***<8 hex>"}}, a fingerprint
 * of the sealed value that tells "changed" from "same" and nothing about the clear value.
 */
public final class ConfigJson {

    public static final String MASK = "***";

    private ConfigJson() {
    }

    public static ObjectMapper mapper() {
        return ConfigCodec.jsonMapper();
    }

    /** The JSON tree of a config part that holds no clear secret. */
    public static JsonNode tree(Object value) {
        return mapper().valueToTree(value);
    }

    /** The tree with every sealed secret replaced by {@code ***}. */
    public static JsonNode masked(JsonNode tree) {
        return replaceSealed(tree.deepCopy(), sealed -> MASK);
    }

    /** The tree with every sealed secret replaced by a fingerprint, for diffs. */
    public static JsonNode fingerprinted(JsonNode tree) {
        return replaceSealed(tree.deepCopy(), sealed -> MASK + sha256(sealed).substring(0, 8));
    }

    private static JsonNode replaceSealed(JsonNode node, UnaryOperator<String> replacement) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.size() == 1 && object.path("sealed").isTextual()) {
                object.put("sealed", replacement.apply(object.get("sealed").asText()));
                return object;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                replaceSealed(it.next().getValue(), replacement);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                replaceSealed(element, replacement);
            }
        }
        return node;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
