package dev.switchboard.mcpgateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.oauth.AuthorizationServer;
import dev.switchboard.mcpgateway.pipeline.ClientReply;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.model.config.IdentityProvider;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The OAuth paths an MCP client may look for on the gateway's own origin, answered in JSON. Unless an identity provider
 * has {@code sign_in} (then the gateway is the authorization server, {@link AuthorizationServer}, and these answer the
 * paths it does not serve), the gateway is a protected
 * resource, not an authorization server: its metadata (RFC 9728) names the configured identity providers, and a client
 * that follows it never comes here. A client that does not (an older MCP revision, or a gateway with no identity
 * provider, whose metadata names none) looks for authorization-server metadata (RFC 8414, OpenID discovery) on this
 * origin and then for the 2025-03-26 default endpoints {@code /register}, {@code /authorize} and {@code /token}; each
 * gets a JSON 404 that names the authorization servers to use or, with none, says to send a gateway API key, instead of
 * an HTML page that a client reports as "Failed to connect" and a person cannot act on.
 */
final class OAuthDiscovery {

    static final List<String> AUTHORIZATION_SERVER_METADATA = List.of("/.well-known/oauth-authorization-server",
            "/.well-known/openid-configuration");
    static final List<String> LEGACY_ENDPOINTS = List.of("/register", "/authorize", "/token");

    private final Supplier<McpState> states;
    private final Function<RoutingContext, String> baseUrl;
    private final AuthorizationServer signIn;

    /** @param signIn the gateway's own authorization server, or null when it signs no one in */
    OAuthDiscovery(Supplier<McpState> states, Function<RoutingContext, String> baseUrl, AuthorizationServer signIn) {
        this.states = states;
        this.baseUrl = baseUrl;
        this.signIn = signIn;
    }

    /** After the protected-resource metadata routes, which the catch-all under its prefix must not shadow. */
    void register(Router router) {
        for (String path : AUTHORIZATION_SERVER_METADATA) {
            router.route(path).handler(this::notAnAuthorizationServer);
            router.route(path + "/*").handler(this::notAnAuthorizationServer);
            // the path-appended form (OpenID Connect Discovery 1.0) when a client takes the MCP URL as the issuer
            router.route("/mcp/v1/:server/mcp" + path).handler(this::notAnAuthorizationServer);
        }
        router.route(McpGateway.METADATA_PATH + "/*").handler(this::unknownResource);
        for (String path : LEGACY_ENDPOINTS) {
            router.route(path).handler(this::notAnAuthorizationServer);
        }
    }

    /**
     * The authorization servers of every MCP endpoint here: this gateway when it signs users in with an identity
     * provider, otherwise the issuers of the configured identity providers.
     */
    List<String> authorizationServers(RoutingContext rc) {
        if (signIn != null) {
            Optional<String> own = signIn.issuer(rc);
            if (own.isPresent()) {
                return List.of(own.get());
            }
        }
        McpState state = states.get();
        return state == null ? List.of()
                : state.snapshot().config().identityProviders().stream().map(IdentityProvider::issuer).toList();
    }

    boolean hasAuthorizationServer() {
        McpState state = states.get();
        return state != null && !state.snapshot().config().identityProviders().isEmpty();
    }

    private void notAnAuthorizationServer(RoutingContext rc) {
        List<String> servers = authorizationServers(rc);
        String metadata = baseUrl.apply(rc) + McpGateway.METADATA_PATH;
        Optional<String> own = signIn == null ? Optional.empty() : signIn.issuer(rc);
        String description = own.isPresent()
                ? "Not here: this gateway's authorization server metadata is at " + own.get()
                        + AuthorizationServer.METADATA_PATH + ", as its protected resource metadata (" + metadata + ") says."
                : servers.isEmpty()
                ? ClientReply.API_KEY_HINT + ". No OAuth sign-in is configured on this gateway."
                : "This MCP gateway is an OAuth protected resource, not an authorization server: sign in with "
                        + String.join(" or ", servers) + ", as its protected resource metadata (" + metadata + ") says.";
        answer(rc, description, servers, metadata);
    }

    private void unknownResource(RoutingContext rc) {
        String metadata = baseUrl.apply(rc) + McpGateway.METADATA_PATH;
        answer(rc, "No MCP endpoint here: MCP servers are at /mcp/v1/<server>/mcp, and their metadata at "
                + metadata + "/mcp/v1/<server>/mcp.", authorizationServers(rc), metadata);
    }

    private static void answer(RoutingContext rc, String description, List<String> servers, String metadata) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("error", "not_found");
        doc.put("error_description", description);
        doc.put("resource_metadata", metadata);
        ArrayNode issuers = doc.putArray("authorization_servers");
        servers.forEach(issuers::add);
        rc.response().setStatusCode(404).putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store").end(Json.buffer(doc));
    }
}
