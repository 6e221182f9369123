package dev.switchboard.mcpgateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.JsonRpcMessage;
import dev.switchboard.mcpgateway.jsonrpc.McpError;
import dev.switchboard.mcpgateway.upstream.McpReply;
import dev.switchboard.model.access.ToolGrant;
import java.util.function.BiPredicate;

/**
 * The caller's policies applied to what a server offers besides tool calls: the lists ({@code tools/list},
 * {@code resources/list}, {@code resources/templates/list}, {@code prompts/list}) keep only what the caller may use,
 * whether the upstream answered with JSON or with a stream; a request about anything else ({@code resources/read},
 * {@code resources/subscribe}, {@code prompts/get}, {@code completion/complete} of a prompt's or a template's argument)
 * is refused before it reaches the upstream, with the same answer as an unknown one. Tool calls have their own step
 * ({@link ToolAccessCheck}), because they are audited.
 */
final class ListFilter {

    /** One list method: the field of its result that holds the items, and the item field the policies name. */
    private record Listing(String field, String key, BiPredicate<ToolGrant, String> allows) {
    }

    private ListFilter() {
    }

    private static Listing listing(String method) {
        return switch (method) {
            case "tools/list" -> new Listing("tools", "name", ToolGrant::allows);
            case "resources/list" -> new Listing("resources", "uri", ToolGrant::allowsResource);
            case "resources/templates/list" ->
                    new Listing("resourceTemplates", "uriTemplate", ToolGrant::allowsResource);
            case "prompts/list" -> new Listing("prompts", "name", ToolGrant::allowsPrompt);
            default -> null;
        };
    }

    /** The answer to a list request with only the items the caller may use; other answers as they are. */
    static McpReply filter(String method, McpReply reply, ToolGrant grant) {
        Listing listing = listing(method);
        if (listing == null || reply.message() == null
                || !(reply.message().path("result").get(listing.field()) instanceof ArrayNode items)) {
            return reply;
        }
        ObjectNode message = reply.message().deepCopy();
        ArrayNode kept = ((ObjectNode) message.get("result")).putArray(listing.field());
        for (JsonNode item : items) {
            JsonNode key = item.get(listing.key());
            if (key != null && key.isTextual() && listing.allows().test(grant, key.asText())) {
                kept.add(item);
            }
        }
        return reply.withMessage(message);
    }

    /**
     * The refusal of a request about a resource or a prompt the caller may not use (or that names none), or null when
     * it may go on to the upstream.
     */
    static McpError refusal(JsonRpcMessage request, ToolGrant grant, String endpoint) {
        JsonNode params = request.params();
        JsonNode id = request.id();
        switch (request.method()) {
            case "resources/read", "resources/subscribe" -> {
                JsonNode uri = params.get("uri");
                if (uri == null || !uri.isTextual()) {
                    return McpError.invalidParams(id, request.method() + " needs params.uri, a string");
                }
                return grant.allowsResource(uri.asText()) ? null
                        : McpError.resourceNotPermitted(id, endpoint, uri.asText());
            }
            case "prompts/get" -> {
                JsonNode name = params.get("name");
                if (name == null || !name.isTextual()) {
                    return McpError.invalidParams(id, "prompts/get needs params.name, a string");
                }
                return grant.allowsPrompt(name.asText()) ? null
                        : McpError.promptNotPermitted(id, endpoint, name.asText());
            }
            case "completion/complete" -> {
                JsonNode ref = params.path("ref");
                String type = ref.path("type").asText("");
                if (type.equals("ref/prompt") && ref.path("name").isTextual()
                        && !grant.allowsPrompt(ref.get("name").asText())) {
                    return McpError.promptNotPermitted(id, endpoint, ref.get("name").asText());
                }
                if (type.equals("ref/resource") && ref.path("uri").isTextual()
                        && !grant.allowsResource(ref.get("uri").asText())) {
                    return McpError.resourceNotPermitted(id, endpoint, ref.get("uri").asText());
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }
}
