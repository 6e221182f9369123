package dev.switchboard.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.GatewayError;

/**
 * What the translations of OpenAI chat requests to providers whose turns must alternate (Anthropic, Bedrock, Gemini)
 * share: merging consecutive messages of one role, and reading an image's data URL.
 */
public final class ChatTurns {

    private ChatTurns() {
    }

    /** An image given as {@code data:<media-type>;base64,<data>}. */
    public record DataUrl(String mediaType, String base64) {

        /** Parses {@code url}; a data URL that is not base64 is a 400 naming {@code param}. */
        public static DataUrl parse(String url, String param) {
            int semi = url.indexOf(';');
            int comma = url.indexOf(',');
            if (!url.startsWith("data:") || semi < 0 || comma < semi || !url.substring(semi, comma).equals(";base64")) {
                throw GatewayError.invalidRequest("Image data URLs must be base64: data:<media-type>;base64,<data>.",
                        param);
            }
            return new DataUrl(url.substring(5, semi), url.substring(comma + 1));
        }
    }

    /**
     * Adds {@code blocks} to the last turn of {@code turns} when it has the same role, else starts a new turn
     * ({@code {"role": role, contentField: blocks}}).
     */
    public static void appendMerged(ArrayNode turns, String role, String contentField, ArrayNode blocks) {
        JsonNode last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && role.equals(last.get("role").asText())) {
            ((ArrayNode) last.get(contentField)).addAll(blocks);
        } else {
            ObjectNode turn = turns.addObject();
            turn.put("role", role);
            turn.set(contentField, blocks);
        }
    }
}
