package dev.switchboard.mcpgateway;

import static dev.switchboard.mcpgateway.support.SdkClients.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.FakeOidcProvider;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.mcpgateway.support.SdkClients;
import dev.switchboard.mcpgateway.support.SecondGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MCP authorization (revision 2025-11-25) with the gateway as the authorization server in front of an OpenID provider,
 * walked step by step as an MCP client does (the MCP Java SDK has no OAuth client): the 401's
 * {@code WWW-Authenticate} → protected resource metadata → authorization server metadata → dynamic client registration
 * → authorize with PKCE → the provider's sign-in → the gateway's callback → token → a tool call with the MCP Java SDK →
 * refresh → the user disabled at the provider, or removed from the config, refused. Three replicas share only the
 * session key: what one issues, the others take.
 */
@QuarkusTest
class SignInTest {

    private static final byte[] KEY = "sign-in-test-session-key-32bytes".getBytes(StandardCharsets.US_ASCII);
    private static final String CLIENT_REDIRECT = "http://localhost:33418/callback";
    private static final String VERIFIER = "client-verifier-0123456789-0123456789-0123456789";

    private static FakeOidcProvider idp;
    private static SecondGateway first;
    private static SecondGateway second;

    @BeforeAll
    static void start() {
        idp = FakeOidcProvider.start();
        first = new SecondGateway(KEY, config(idp, true));
        second = new SecondGateway(KEY, config(idp, true));
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
        idp.close();
    }

    /** The test config with {@code idp} signing users in; {@code withAlice == false} drops alice. */
    static String config(FakeOidcProvider idp, boolean withAlice) {
        String signIn = """
                identity_providers:
                  - name: okta
                    issuer: %s
                    audiences: [api://switchboard]
                    jwks_url: %s
                    sign_in:
                      client_id: %s
                      client_secret: %s
                users:""".formatted(idp.issuer(), idp.jwksUrl(), FakeOidcProvider.CLIENT_ID,
                FakeOidcProvider.CLIENT_SECRET);
        String yaml = McpTestResource.config().replaceFirst("(?s)identity_providers:.*?users:", signIn);
        return withAlice ? yaml : yaml.replace("  - {name: alice, email: alice@example.com}\n", "")
                .replace("members: [alice]", "members: []").replaceFirst("  - \\{name: alice-key[^\n]*\n", "");
    }

    @Test
    void anMcpClientSignsInThroughTheGatewayCallsAToolRefreshesAndIsRefusedOnceDisabled() throws Exception {
        McpHttp a = new McpHttp(first.baseUrl());
        McpHttp b = new McpHttp(second.baseUrl());
        idp.signInAs("alice@example.com", List.of("analysts"));

        // 1. the 401 names the protected resource metadata
        McpHttp.Reply refused = a.post("alpha", McpHttp.headers(null, null), initialize());
        assertEquals(401, refused.status());
        Matcher m = Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(refused.header("www-authenticate"));
        assertTrue(m.find(), refused.header("www-authenticate"));

        // 2. which names the gateway as the authorization server
        JsonNode resource = get(a, m.group(1)).json();
        assertEquals(a.url("alpha"), resource.path("resource").asText());
        assertEquals(List.of(a.base()), texts(resource.path("authorization_servers")));

        // 3. RFC 8414 metadata
        McpHttp.Reply metadataReply = get(a, a.base() + "/.well-known/oauth-authorization-server");
        assertEquals(200, metadataReply.status());
        JsonNode metadata = metadataReply.json();
        assertEquals(a.base(), metadata.path("issuer").asText());
        assertEquals(List.of("S256"), texts(metadata.path("code_challenge_methods_supported")));

        // 4. RFC 7591 registration
        McpHttp.Reply registered = a.send(HttpRequest.newBuilder(URI.create(metadata.path("registration_endpoint").asText()))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],"
                        + "\"client_name\":\"test client\",\"token_endpoint_auth_method\":\"none\"}")).build());
        assertEquals(201, registered.status(), registered.body());
        String clientId = registered.json().path("client_id").asText();
        assertEquals("none", registered.json().path("token_endpoint_auth_method").asText());

        // 5. authorize with PKCE: to the provider, which signs alice in and returns to the gateway, which returns here
        String authorize = metadata.path("authorization_endpoint").asText() + "?response_type=code&client_id="
                + enc(clientId) + "&redirect_uri=" + enc(CLIENT_REDIRECT) + "&code_challenge=" + s256(VERIFIER)
                + "&code_challenge_method=S256&state=client-state-1&resource=" + enc(a.url("alpha"));
        McpHttp.Reply toProvider = get(a, authorize);
        assertEquals(302, toProvider.status(), toProvider.body());
        assertTrue(toProvider.header("location").startsWith(idp.issuer() + "/v1/authorize?"));
        McpHttp.Reply toGateway = get(a, toProvider.header("location"));
        assertEquals(302, toGateway.status());
        assertTrue(toGateway.header("location").startsWith(a.base() + "/oauth/callback?"));
        McpHttp.Reply toClient = get(a, toGateway.header("location"));
        assertEquals(302, toClient.status(), toClient.body());
        Map<String, String> back = query(toClient.header("location"));
        assertTrue(toClient.header("location").startsWith(CLIENT_REDIRECT + "?"), toClient.header("location"));
        assertEquals("client-state-1", back.get("state"));
        assertEquals(a.base(), back.get("iss"));

        // 6. the code for tokens, at the other replica
        McpHttp.Reply wrongVerifier = token(b, "grant_type=authorization_code&code=" + enc(back.get("code"))
                + "&redirect_uri=" + enc(CLIENT_REDIRECT) + "&client_id=" + enc(clientId)
                + "&code_verifier=" + "x".repeat(43));
        assertEquals(400, wrongVerifier.status());
        assertEquals("invalid_grant", wrongVerifier.json().path("error").asText());
        String redeem = "grant_type=authorization_code&code=" + enc(back.get("code")) + "&redirect_uri="
                + enc(CLIENT_REDIRECT) + "&client_id=" + enc(clientId) + "&code_verifier=" + VERIFIER;
        McpHttp.Reply tokens = token(b, redeem);
        assertEquals(200, tokens.status(), tokens.body());
        assertEquals("no-store", tokens.header("cache-control"));
        String accessToken = tokens.json().path("access_token").asText();
        String refreshToken = tokens.json().path("refresh_token").asText();
        assertEquals("Bearer", tokens.json().path("token_type").asText());
        assertEquals("invalid_grant", token(b, redeem).json().path("error").asText(), "a code is used once");

        // 7. a tool call with the MCP Java SDK, on both replicas
        for (SecondGateway gateway : List.of(first, second)) {
            try (McpSyncClient client = SdkClients.client(gateway.baseUrl(), "alpha", accessToken)) {
                client.initialize();
                assertEquals("alpha: signed in", text(client.callTool(
                        new McpSchema.CallToolRequest("echo", Map.of("message", "signed in")))));
            }
        }

        // 8. refresh: asked of the provider, rotated
        McpHttp.Reply refreshed = token(a, "grant_type=refresh_token&refresh_token=" + enc(refreshToken)
                + "&client_id=" + enc(clientId));
        assertEquals(200, refreshed.status(), refreshed.body());
        assertEquals(1, idp.refreshCount());
        String newRefresh = refreshed.json().path("refresh_token").asText();
        assertNotEquals(refreshToken, newRefresh);
        String newAccess = refreshed.json().path("access_token").asText();
        assertEquals(200, a.post("alpha", McpHttp.headers(newAccess, null), initialize()).status());

        // 9. disabled at the provider: the next refresh is refused
        idp.disable("alice@example.com");
        McpHttp.Reply disabled = token(b, "grant_type=refresh_token&refresh_token=" + enc(newRefresh)
                + "&client_id=" + enc(clientId));
        assertEquals(400, disabled.status());
        assertEquals("invalid_grant", disabled.json().path("error").asText());
        assertFalse(disabled.body().contains(FakeOidcProvider.CLIENT_SECRET));

        // 10. removed from the config: refused at use and at refresh, at once
        try (SecondGateway withoutAlice = new SecondGateway(KEY, config(idp, false))) {
            McpHttp c = new McpHttp(withoutAlice.baseUrl());
            McpHttp.Reply atUse = c.post("alpha", McpHttp.headers(newAccess, null), initialize());
            assertEquals(401, atUse.status());
            assertTrue(atUse.json().path("error").path("message").asText().contains("alice@example.com"),
                    atUse.body());
            McpHttp.Reply atRefresh = token(c, "grant_type=refresh_token&refresh_token=" + enc(newRefresh)
                    + "&client_id=" + enc(clientId));
            assertEquals("invalid_grant", atRefresh.json().path("error").asText(), atRefresh.body());
        }
    }

    @Test
    void authorizeRefusesAnUnknownClientInJsonAndAnUnregisteredRedirectWithoutRedirecting() {
        McpHttp a = new McpHttp(first.baseUrl());
        McpHttp.Reply unknown = get(a, a.base() + "/authorize?response_type=code&client_id=nope&redirect_uri="
                + enc(CLIENT_REDIRECT));
        assertEquals(400, unknown.status());
        assertEquals("invalid_client", unknown.json().path("error").asText());
        assertTrue(unknown.header("content-type").startsWith("application/json"));

        String clientId = register(a, CLIENT_REDIRECT);
        McpHttp.Reply foreign = get(a, a.base() + "/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc("https://attacker.example.com/cb") + "&code_challenge=" + s256(VERIFIER)
                + "&code_challenge_method=S256");
        assertEquals(400, foreign.status());
        assertEquals("invalid_request", foreign.json().path("error").asText());

        McpHttp.Reply plain = get(a, a.base() + "/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc("http://127.0.0.1:5555/callback".replace("127.0.0.1", "localhost"))
                + "&code_challenge=abc&code_challenge_method=plain&state=s");
        assertEquals(302, plain.status(), "a loopback redirect may take another port (RFC 8252)");
        Map<String, String> error = query(plain.header("location"));
        assertEquals("invalid_request", error.get("error"));
        assertEquals("s", error.get("state"));
    }

    @Test
    void registrationRefusesHttpRedirectsOffLoopback() {
        McpHttp a = new McpHttp(first.baseUrl());
        McpHttp.Reply reply = a.send(HttpRequest.newBuilder(URI.create(a.base() + "/register"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"http://evil.example.com/cb\"]}"))
                .build());
        assertEquals(400, reply.status());
        assertEquals("invalid_redirect_uri", reply.json().path("error").asText());
    }

    @Test
    void theTokenEndpointAnswersUnknownGrantsAndCodesInOAuthsShape() {
        McpHttp a = new McpHttp(first.baseUrl());
        McpHttp.Reply grant = token(a, "grant_type=password&username=alice");
        assertEquals(400, grant.status());
        assertEquals("unsupported_grant_type", grant.json().path("error").asText());
        McpHttp.Reply code = token(a, "grant_type=authorization_code&code=forged&client_id=x");
        assertEquals("invalid_grant", code.json().path("error").asText());
    }

    private static String register(McpHttp mcp, String redirect) {
        McpHttp.Reply reply = mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/register"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + redirect + "\"]}")).build());
        assertEquals(201, reply.status(), reply.body());
        return reply.json().path("client_id").asText();
    }

    private static McpHttp.Reply token(McpHttp mcp, String form) {
        return mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static McpHttp.Reply get(McpHttp mcp, String url) {
        return mcp.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private static String initialize() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    }

    private static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(url).getRawQuery();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        assertNotNull(array);
        return out;
    }
}
