package dev.switchboard.testsupport.fakes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * A test identity provider: a real HTTP server on 127.0.0.1 that publishes a JWKS (and an OpenID discovery
 * document pointing at it) and mints real RS256-signed JWTs with its current key.
 *
 * <p>Served: {@code GET /.well-known/jwks.json} (counted by {@link #jwksFetchCount()}) and
 * {@code GET /.well-known/openid-configuration}; and for a client registered with {@link #registerClient}, the
 * authorization code flow with PKCE: {@code GET /authorize} signs in the user set by {@link #signInAs} at once (no page)
 * and redirects back with a code; {@code POST /token} checks the client (HTTP Basic or form), the redirect URI and the
 * PKCE verifier (S256 only), and issues an access token (the user's claims, {@code aud} as registered) and an ID token
 * ({@code aud} = the client id, the nonce). Every refusal is OAuth's error JSON, or an error redirect.
 *
 * <p>Users of the test-jar need {@code org.bitbucket.b_c:jose4j} on their test class path (Quarkus' JWT and OIDC
 * extensions bring it).
 */
public final class FakeIdentityProvider implements AutoCloseable {

    public static final String JWKS_PATH = "/.well-known/jwks.json";
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    public static final String AUTHORIZE_PATH = "/authorize";
    public static final String TOKEN_PATH = "/token";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeServer server;
    private final String issuer;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger keyNumber = new AtomicInteger();

    /** A registered client: its secret (null: a public client) and the audience of its access tokens. */
    private record Client(String secret, String accessTokenAudience) {
    }

    private record Grant(String clientId, Map<String, Object> claims, String nonce, String challenge,
                         String redirectUri) {
    }

    private final Map<String, Client> clients = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Grant> codes = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Map<String, String>> authorizeRequests =
            java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger tokenGrants = new AtomicInteger();
    private volatile Map<String, Object> signedIn = Map.of("sub", "alice@example.com");

    private final Object keyLock = new Object();
    private List<RsaJsonWebKey> publishedKeys; // guarded by keyLock; immutable
    private RsaJsonWebKey signingKey; // guarded by keyLock
    private RsaJsonWebKey unknownKey; // guarded by keyLock; made on first use, never published

    private FakeIdentityProvider(String issuer) {
        this.server = FakeServer.bind("fake-idp");
        this.issuer = issuer != null ? issuer : server.baseUrl() + "/";
        this.signingKey = newKey("fake-idp-key-" + keyNumber.incrementAndGet());
        this.publishedKeys = List.of(signingKey);
    }

    /** Starts an IdP whose issuer is {@code http://127.0.0.1:PORT/}. */
    public static FakeIdentityProvider start() {
        return start(null);
    }

    /** Starts an IdP that puts {@code issuer} in its tokens ({@code null}: {@code http://127.0.0.1:PORT/}). */
    public static FakeIdentityProvider start(String issuer) {
        FakeIdentityProvider idp = new FakeIdentityProvider(issuer);
        idp.server.serve(idp::handle);
        return idp;
    }

    public String issuer() {
        return issuer;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return server.baseUrl();
    }

    public String jwksUrl() {
        return baseUrl() + JWKS_PATH;
    }

    public String discoveryUrl() {
        return baseUrl() + DISCOVERY_PATH;
    }

    /** How many times the JWKS has been fetched. */
    public int jwksFetchCount() {
        return jwksFetches.get();
    }

    @Override
    public void close() {
        server.close();
    }

    // ---------------------------------------------------------------- authorization code flow

    /** Registers a client of the code flow; {@code secret} null: a public client (PKCE only). */
    public void registerClient(String clientId, String secret, String accessTokenAudience) {
        clients.put(clientId, new Client(secret, accessTokenAudience));
    }

    /** The claims of whoever {@code /authorize} signs in from now on ({@code sub} at least). */
    public void signInAs(Map<String, Object> claims) {
        this.signedIn = Map.copyOf(claims);
    }

    /** The query parameters of every {@code /authorize} request, oldest first. */
    public List<Map<String, String>> authorizeRequests() {
        synchronized (authorizeRequests) {
            return List.copyOf(authorizeRequests);
        }
    }

    /** How many codes {@code /token} exchanged for tokens. */
    public int tokenGrants() {
        return tokenGrants.get();
    }

    public String authorizationEndpoint() {
        return baseUrl() + AUTHORIZE_PATH;
    }

    public String tokenEndpoint() {
        return baseUrl() + TOKEN_PATH;
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
        authorizeRequests.add(q);
        Client client = clients.get(q.getOrDefault("client_id", ""));
        String redirect = q.get("redirect_uri");
        if (client == null || redirect == null) {
            // never redirect to an unchecked URI
            send(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"unknown client or no"
                    + " redirect_uri\"}");
            return;
        }
        String error = null;
        if (!"code".equals(q.get("response_type"))) {
            error = "unsupported_response_type";
        } else if (q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method"))) {
            error = "invalid_request"; // PKCE with S256 is required
        }
        StringBuilder location = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?');
        if (error != null) {
            location.append("error=").append(error);
        } else {
            String code = UUID.randomUUID().toString();
            codes.put(code, new Grant(q.get("client_id"), signedIn, q.get("nonce"), q.get("code_challenge"),
                    redirect));
            location.append("code=").append(code);
        }
        if (q.get("state") != null) {
            location.append("&state=").append(java.net.URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        }
        exchange.getResponseHeaders().set("Location", location.toString());
        exchange.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange exchange, byte[] body) throws IOException {
        Map<String, String> f = form(new String(body, StandardCharsets.UTF_8));
        String clientId = f.get("client_id");
        String secret = f.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(java.util.Base64.getDecoder().decode(basic.substring(6)),
                    StandardCharsets.UTF_8).split(":", 2);
            clientId = java.net.URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
        }
        Client client = clientId == null ? null : clients.get(clientId);
        if (client == null || (client.secret() != null && !client.secret().equals(secret))) {
            send(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        if (!"authorization_code".equals(f.get("grant_type"))) {
            send(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        Grant grant = f.get("code") == null ? null : codes.remove(f.get("code")); // a code is used once
        if (grant == null || !grant.clientId().equals(clientId) || !grant.redirectUri().equals(f.get("redirect_uri"))) {
            send(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        String verifier = f.get("code_verifier");
        if (verifier == null || !grant.challenge().equals(s256(verifier))) {
            send(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE verification failed\"}");
            return;
        }
        Map<String, Object> access = new LinkedHashMap<>(grant.claims());
        if (client.accessTokenAudience() != null) {
            access.putIfAbsent("aud", client.accessTokenAudience());
        }
        Map<String, Object> id = new LinkedHashMap<>(grant.claims());
        id.put("aud", clientId);
        if (grant.nonce() != null) {
            id.put("nonce", grant.nonce());
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", token(access, DEFAULT_TTL));
        answer.put("id_token", token(id, DEFAULT_TTL));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", DEFAULT_TTL.toSeconds());
        tokenGrants.incrementAndGet();
        send(exchange, 200, answer.toString());
    }

    private static String s256(String verifier) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    // ---------------------------------------------------------------- keys

    /** The kid that new tokens are signed with. */
    public String currentKid() {
        synchronized (keyLock) {
            return signingKey.getKeyId();
        }
    }

    /** The kids in the JWKS, oldest first. */
    public List<String> publishedKids() {
        synchronized (keyLock) {
            return publishedKeys.stream().map(JsonWebKey::getKeyId).toList();
        }
    }

    /** The JWKS as served: public keys only. */
    public String jwksJson() {
        List<RsaJsonWebKey> keys;
        synchronized (keyLock) {
            keys = publishedKeys;
        }
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** Signs with a new key from now on, publishing it next to the old ones; returns its kid. */
    public String rotate() {
        return rotate(true);
    }

    /** Signs with a new key from now on; {@code keepOld == false} removes the old keys from the JWKS. */
    public String rotate(boolean keepOld) {
        RsaJsonWebKey key = newKey("fake-idp-key-" + keyNumber.incrementAndGet());
        synchronized (keyLock) {
            List<RsaJsonWebKey> keys = new ArrayList<>(keepOld ? publishedKeys : List.of());
            keys.add(key);
            publishedKeys = List.copyOf(keys);
            signingKey = key;
        }
        return key.getKeyId();
    }

    private static RsaJsonWebKey newKey(String kid) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(kid);
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            key.setUse("sig");
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    // ---------------------------------------------------------------- tokens

    /**
     * A token signed with the current key: {@code iss}, {@code iat}, {@code exp = now + ttl} and {@code jti},
     * then {@code claims} (which may override any of them, e.g. a wrong {@code iss}).
     */
    public String token(Map<String, Object> claims, Duration ttl) {
        Instant now = Instant.now();
        return sign(claims, now, now.plus(ttl), currentSigningKey());
    }

    /** A valid token for a user: {@code sub} and {@code email} = email, {@code groups}, {@code aud} = audience. */
    public String tokenFor(String email, List<String> groups, String audience) {
        return token(userClaims(email, groups, audience), DEFAULT_TTL);
    }

    /** Like {@link #tokenFor}, but issued an hour ago and expired ten minutes ago (beyond any clock skew). */
    public String expiredToken(String email, List<String> groups, String audience) {
        Instant now = Instant.now();
        return sign(userClaims(email, groups, audience), now.minus(Duration.ofHours(1)),
                now.minus(Duration.ofMinutes(10)), currentSigningKey());
    }

    /** Like {@link #tokenFor}, but signed by a key that is not in the JWKS (kid {@code fake-idp-unknown-key}). */
    public String tokenSignedByUnknownKey(String email, List<String> groups, String audience) {
        RsaJsonWebKey key;
        synchronized (keyLock) {
            if (unknownKey == null) {
                unknownKey = newKey("fake-idp-unknown-key");
            }
            key = unknownKey;
        }
        Instant now = Instant.now();
        return sign(userClaims(email, groups, audience), now, now.plus(DEFAULT_TTL), key);
    }

    /**
     * Like {@link #tokenFor}, but {@code aud} is the JSON array {@code audiences}; an empty list leaves
     * {@code aud} out.
     */
    public String tokenWithAudience(String email, List<String> groups, List<String> audiences) {
        Map<String, Object> claims = userClaims(email, groups, null);
        if (!audiences.isEmpty()) {
            claims.put("aud", List.copyOf(audiences));
        }
        return token(claims, DEFAULT_TTL);
    }

    private static Map<String, Object> userClaims(String email, List<String> groups, String audience) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", email);
        claims.put("email", email);
        claims.put("groups", List.copyOf(groups));
        if (audience != null) {
            claims.put("aud", audience);
        }
        return claims;
    }

    private RsaJsonWebKey currentSigningKey() {
        synchronized (keyLock) {
            return signingKey;
        }
    }

    private String sign(Map<String, Object> claims, Instant issuedAt, Instant expiresAt, RsaJsonWebKey key) {
        JwtClaims jwtClaims = new JwtClaims();
        jwtClaims.setIssuer(issuer);
        jwtClaims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        jwtClaims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        jwtClaims.setJwtId(UUID.randomUUID().toString());
        claims.forEach(jwtClaims::setClaim);

        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(jwtClaims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (TOKEN_PATH.equals(path) && "POST".equals(method)) {
                token(exchange, body);
            } else if (!"GET".equals(method)) {
                send(exchange, 405, "{\"error\":\"method not allowed\"}");
            } else if (JWKS_PATH.equals(path)) {
                jwksFetches.incrementAndGet();
                send(exchange, 200, jwksJson());
            } else if (DISCOVERY_PATH.equals(path)) {
                send(exchange, 200, discoveryJson());
            } else if (AUTHORIZE_PATH.equals(path)) {
                authorize(exchange);
            } else {
                send(exchange, 404, "{\"error\":\"not found\"}");
            }
        }
    }

    private String discoveryJson() {
        ObjectNode discovery = JSON.createObjectNode();
        discovery.put("issuer", issuer);
        discovery.put("jwks_uri", jwksUrl());
        // The code flow is advertised once a client is registered: until then this is an issuer of tokens only, which
        // is what the MCP tests' Claude Code expects to find (with the endpoints but no registration endpoint, Claude
        // Code 2.1.197 reports a URL-only entry as "Failed to connect" instead of "Needs authentication").
        if (!clients.isEmpty()) {
            discovery.put("authorization_endpoint", authorizationEndpoint());
            discovery.put("token_endpoint", tokenEndpoint());
            discovery.putArray("code_challenge_methods_supported").add("S256");
            discovery.putArray("grant_types_supported").add("authorization_code");
            discovery.putArray("response_types_supported").add("code");
        }
        discovery.putArray("id_token_signing_alg_values_supported").add(AlgorithmIdentifiers.RSA_USING_SHA256);
        discovery.putArray("subject_types_supported").add("public");
        return discovery.toString();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
