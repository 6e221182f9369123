package dev.switchboard.mcpgateway.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * A fake OpenID Connect provider (an Okta, Entra ID or Auth0 as the gateway sees one), a real HTTP server on 127.0.0.1:
 * discovery, JWKS, {@code /authorize} that "signs in" the user set by {@link #signInAs} at once (no page) and redirects
 * back with a code, and {@code /token} that authenticates its one confidential client with HTTP Basic, checks PKCE and
 * the redirect URI, and issues RS256 ID tokens (audience = the client id, the nonce, {@code email}, {@code groups}) and
 * rotating refresh tokens. {@link #disable} makes it refuse a user's refresh ({@code invalid_grant}), as a provider does
 * for a deactivated account.
 */
public final class FakeOidcProvider implements AutoCloseable {

    public static final String CLIENT_ID = "switchboard-mcp";
    public static final String CLIENT_SECRET = "fake-oidc-client-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Grant(String email, List<String> groups, String nonce, String challenge, String redirectUri) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final RsaJsonWebKey key;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile String email = "alice@example.com";
    private volatile List<String> groups = List.of();

    private FakeOidcProvider(HttpServer server, ExecutorService executor) throws Exception {
        this.server = server;
        this.executor = executor;
        this.key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("fake-oidc-1");
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    public static FakeOidcProvider start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-oidc");
                t.setDaemon(true);
                return t;
            });
            FakeOidcProvider fake = new FakeOidcProvider(server, executor);
            server.createContext("/", fake::handle);
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/default";
    }

    public String jwksUrl() {
        return issuer() + "/v1/keys";
    }

    /** Who the next sign-in is. */
    public void signInAs(String email, List<String> groups) {
        this.email = email;
        this.groups = List.copyOf(groups);
    }

    /** From now on the user's refresh is refused. */
    public void disable(String email) {
        disabled.add(email);
    }

    public int refreshCount() {
        return refreshes.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            String prefix = "/oauth2/default";
            if (path.equals(prefix + "/.well-known/openid-configuration")) {
                ObjectNode doc = JSON.createObjectNode();
                doc.put("issuer", issuer());
                doc.put("authorization_endpoint", issuer() + "/v1/authorize");
                doc.put("token_endpoint", issuer() + "/v1/token");
                doc.put("jwks_uri", jwksUrl());
                doc.putArray("response_types_supported").add("code");
                doc.putArray("code_challenge_methods_supported").add("S256");
                send(ex, 200, doc.toString());
            } else if (path.equals(prefix + "/v1/keys")) {
                send(ex, 200, new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            } else if (path.equals(prefix + "/v1/authorize")) {
                authorize(ex, form(ex.getRequestURI().getRawQuery()));
            } else if (path.equals(prefix + "/v1/token") && "POST".equals(ex.getRequestMethod())) {
                token(ex, form(body));
            } else {
                send(ex, 404, "{\"error\":\"not_found\"}");
            }
        } catch (Exception e) {
            send(ex, 500, "{\"error\":\"server_error\"}");
        }
    }

    private void authorize(HttpExchange ex, Map<String, String> q) throws IOException {
        if (!CLIENT_ID.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))
                || !"S256".equals(q.get("code_challenge_method")) || q.get("redirect_uri") == null
                || !q.getOrDefault("scope", "").contains("openid")) {
            send(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(email, groups, q.get("nonce"), q.get("code_challenge"), q.get("redirect_uri")));
        ex.getResponseHeaders().set("Location", q.get("redirect_uri") + "?code=" + code + "&state="
                + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        ex.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange ex, Map<String, String> form) throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        Grant grant;
        if ("authorization_code".equals(form.get("grant_type"))) {
            grant = codes.remove(String.valueOf(form.get("code")));
            if (grant == null || !grant.redirectUri().equals(form.get("redirect_uri"))
                    || form.get("code_verifier") == null || !grant.challenge().equals(s256(form.get("code_verifier")))) {
                send(ex, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
        } else if ("refresh_token".equals(form.get("grant_type"))) {
            refreshes.incrementAndGet();
            grant = refreshTokens.remove(String.valueOf(form.get("refresh_token")));
            if (grant == null || disabled.contains(grant.email())) {
                send(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is invalid.\"}");
                return;
            }
            grant = new Grant(grant.email(), grant.groups(), null, null, null);
        } else {
            send(ex, 400, "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        String refresh = UUID.randomUUID().toString();
        refreshTokens.put(refresh, grant);
        ObjectNode doc = JSON.createObjectNode();
        doc.put("access_token", "opaque-" + UUID.randomUUID());
        doc.put("token_type", "Bearer");
        doc.put("expires_in", 3600);
        doc.put("id_token", idToken(grant));
        doc.put("refresh_token", refresh);
        send(ex, 200, doc.toString());
    }

    private String idToken(Grant grant) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer());
        claims.setAudience(CLIENT_ID);
        claims.setSubject("00u" + Math.abs(grant.email().hashCode()));
        claims.setClaim("email", grant.email());
        claims.setStringListClaim("groups", grant.groups());
        if (grant.nonce() != null) {
            claims.setClaim("nonce", grant.nonce());
        }
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().getEpochSecond() + 3600));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
