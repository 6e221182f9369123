package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.session.McpSession;

/**
 * What a client declared at {@code initialize} that the gateway itself relies on later, kept in the sealed session
 * ({@link McpSession#client()}): today, whether it can be asked for input ({@code elicitation}), for approvals. A
 * virtual server's session keeps the client's whole {@code initialize} params anyway; a single server's keeps only
 * this, and nothing when the client declared none of it, so that most session ids do not grow. A session id sealed
 * before this existed reads as a client that declared nothing.
 */
public final class ClientFeatures {

    private ClientFeatures() {
    }

    /** What a single server's session keeps of {@code initialize}'s params: null when there is nothing to keep. */
    static JsonNode kept(ObjectNode initializeParams) {
        JsonNode elicitation = initializeParams.path("capabilities").get("elicitation");
        if (elicitation == null || !elicitation.isObject()) {
            return null;
        }
        ObjectNode kept = Json.MAPPER.createObjectNode();
        kept.putObject("capabilities").set("elicitation", elicitation);
        return kept;
    }

    /**
     * Whether the client can answer an {@code elicitation/create} in form mode: it declared {@code elicitation}, either
     * empty (revision 2025-06-18, and form mode in 2025-11-25) or with {@code form}.
     */
    public static boolean elicitsForms(McpSession session) {
        if (session == null || session.client() == null) {
            return false;
        }
        JsonNode elicitation = session.client().path("capabilities").get("elicitation");
        return elicitation != null && elicitation.isObject() && (elicitation.isEmpty() || elicitation.has("form"));
    }
}
