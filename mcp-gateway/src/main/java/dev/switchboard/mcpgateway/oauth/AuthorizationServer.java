package dev.switchboard.mcpgateway.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.mcpgateway.jsonrpc.Json;
import dev.switchboard.mcpgateway.snapshot.McpState;
import dev.switchboard.model.access.AuthenticationFailure;
import dev.switchboard.model.config.IdentityProvider;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * The MCP gateway as an OAuth 2.1 authorization server in front of the identity provider that has {@code sign_in}
 * (MCP authorization, revision 2025-11-25): its metadata (RFC 8414) at {@code /.well-known/oauth-authorization-server},
 * dynamic client registration (RFC 7591) at {@code /register}, {@code /authorize} (authorization code with PKCE S256
 * only), {@code /oauth/callback} where the provider returns after signing the user in (OpenID Connect, with PKCE and a
 * nonce of its own), and {@code /token} (authorization code and refresh token grants) issuing the gateway's own access
 * tokens ({@link AccessTokens}) and rotating refresh tokens.
 *
 * <p>Nothing is stored: a client id, a pending authorization (the provider's {@code state}), a code and a refresh token
 * are each sealed ({@link SealedClaims}) with what they stand for, so any replica with the same session key carries on
 * what another began. Only the record of redeemed codes is per replica (a code lives a minute and is bound to its
 * client's PKCE verifier); a refresh token is rotated but the one it replaced is not revoked (no shared store to know
 * it was used), so it stays usable until it expires: a refresh always asks the provider again and the config again.
 *
 * <p>Every answer is JSON, errors in RFC 6749's shape ({@code error}, {@code error_description}); once the client's
 * redirect URI is known, {@code /authorize} reports errors to it as the spec says. With no provider that signs users
 * in, each path goes on to the next handler (the JSON 404s of {@code OAuthDiscovery}).
 */
public final class AuthorizationServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AuthorizationServer.class);

    public static final String METADATA_PATH = "/.well-known/oauth-authorization-server";
    public static final String CALLBACK_PATH = "/oauth/callback";
    static final Duration CLIENT_TTL = Duration.ofDays(365);
    static final Duration PENDING_TTL = Duration.ofMinutes(10);
    static final Duration CODE_TTL = Duration.ofSeconds(60);
    /** A sign-in renewed at the provider lives on as long as the client keeps refreshing within this. */
    static final Duration REFRESH_TTL = Duration.ofDays(30);
    /** Without a provider refresh token nothing can tell the gateway the user was disabled there: a workday at most. */
    static final Duration REFRESH_WITHOUT_PROVIDER = Duration.ofHours(8);
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final Set<String> PASSED_ON_ERRORS = Set.of("access_denied", "login_required",
            "consent_required", "interaction_required", "temporarily_unavailable", "server_error");

    private final Supplier<McpState> states;
    private final Function<RoutingContext, String> baseUrl;
    private final AccessTokens tokens;
    private final SealedClaims sealed;
    private final ProviderClient provider;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> redeemedCodes = new ConcurrentHashMap<>();

    public AuthorizationServer(Vertx vertx, Supplier<McpState> states, Function<RoutingContext, String> baseUrl,
                               AccessTokens tokens, int connectTimeoutMs) {
        this.states = states;
        this.baseUrl = baseUrl;
        this.tokens = tokens;
        this.sealed = tokens.sealed();
        this.provider = new ProviderClient(vertx, tokens.clock(), connectTimeoutMs);
    }

    /** Before {@code OAuthDiscovery}'s routes, to which each of these hands on when no provider signs users in. */
    public void register(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(64 * 1024);
        router.get(METADATA_PATH).handler(this::metadata);
        router.post("/register").handler(body).handler(this::registerClient);
        router.get("/authorize").handler(this::authorize);
        router.get(CALLBACK_PATH).handler(this::callback);
        router.post("/token").handler(body).handler(this::token);
    }

    /** The issuer (this gateway) when a provider signs users in here. */
    public Optional<String> issuer(RoutingContext rc) {
        return provider().map(p -> baseUrl.apply(rc));
    }

    private Optional<IdentityProvider> provider() {
        McpState state = states.get();
        return state == null ? Optional.empty() : AccessTokens.signInProvider(state.snapshot());
    }

    // ------------------------------------------------------------------ metadata and registration

    private void metadata(RoutingContext rc) {
        if (provider().isEmpty()) {
            rc.next();
            return;
        }
        String base = baseUrl.apply(rc);
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("issuer", base);
        doc.put("authorization_endpoint", base + "/authorize");
        doc.put("token_endpoint", base + "/token");
        doc.put("registration_endpoint", base + "/register");
        doc.putArray("response_types_supported").add("code");
        doc.putArray("grant_types_supported").add("authorization_code").add("refresh_token");
        doc.putArray("code_challenge_methods_supported").add("S256");
        doc.putArray("token_endpoint_auth_methods_supported").add("none");
        doc.put("authorization_response_iss_parameter_supported", true);
        rc.response().putHeader("content-type", "application/json").putHeader("cache-control", "max-age=300")
                .end(Json.buffer(doc));
    }

    /**
     * RFC 7591. Every client is public (PKCE, no secret): MCP clients run on users' machines. The client id is the
     * registration itself, sealed, so that no replica needs to have seen it.
     */
    private void registerClient(RoutingContext rc) {
        if (provider().isEmpty()) {
            rc.next();
            return;
        }
        JsonNode request;
        try {
            request = Json.read(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
        } catch (java.io.IOException e) {
            error(rc, 400, "invalid_client_metadata", "The registration must be a JSON object.");
            return;
        }
        JsonNode uris = request.path("redirect_uris");
        if (!uris.isArray() || uris.isEmpty()) {
            error(rc, 400, "invalid_redirect_uri", "redirect_uris must list at least one URI.");
            return;
        }
        List<String> redirectUris = new ArrayList<>();
        for (JsonNode u : uris) {
            String problem = redirectUriProblem(u.asText(""));
            if (problem != null) {
                error(rc, 400, "invalid_redirect_uri", problem);
                return;
            }
            redirectUris.add(u.asText());
        }
        String name = request.path("client_name").asText("").strip();
        name = name.length() > 100 ? name.substring(0, 100) : name;
        JwtClaims client = new JwtClaims();
        client.setStringListClaim("ru", redirectUris);
        client.setClaim("nm", name);
        String clientId = sealed.seal("client", client, CLIENT_TTL);
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("client_id", clientId);
        doc.put("client_id_issued_at", tokens.clock().millis() / 1000);
        ArrayNode out = doc.putArray("redirect_uris");
        redirectUris.forEach(out::add);
        if (!name.isEmpty()) {
            doc.put("client_name", name);
        }
        doc.put("token_endpoint_auth_method", "none");
        doc.putArray("grant_types").add("authorization_code").add("refresh_token");
        doc.putArray("response_types").add("code");
        send(rc, 201, doc);
    }

    /** https anywhere, http only on loopback (RFC 8252), or a native app's own scheme; never a fragment. */
    private static String redirectUriProblem(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (Exception e) {
            return "'" + uri + "' is not a URI.";
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!parsed.isAbsolute() || parsed.getFragment() != null) {
            return "'" + uri + "' must be an absolute URI without a fragment.";
        }
        if (scheme.equals("http") && !LOOPBACK.contains(String.valueOf(parsed.getHost()).toLowerCase(Locale.ROOT))) {
            return "'" + uri + "': http redirect URIs must be on loopback (localhost, 127.0.0.1); use https.";
        }
        if (Set.of("javascript", "data", "file", "vbscript").contains(scheme)) {
            return "'" + uri + "': the scheme " + scheme + " cannot be a redirect URI.";
        }
        return null;
    }

    // ------------------------------------------------------------------ authorize and the provider's callback

    private void authorize(RoutingContext rc) {
        Optional<IdentityProvider> idp = provider();
        if (idp.isEmpty()) {
            rc.next();
            return;
        }
        var q = rc.queryParams();
        Optional<JwtClaims> client = sealed.open("client", q.get("client_id"));
        if (client.isEmpty()) {
            error(rc, 400, "invalid_client", "Unknown client_id: register the client at /register first.");
            return;
        }
        String redirectUri = q.get("redirect_uri");
        if (redirectUri == null || !registered(client.get(), redirectUri)) {
            error(rc, 400, "invalid_request", "redirect_uri is missing or is not one the client registered.");
            return;
        }
        String state = q.get("state");
        if (!"code".equals(q.get("response_type"))) {
            redirectError(rc, redirectUri, state, "unsupported_response_type", "Only response_type=code is supported.");
            return;
        }
        String challenge = q.get("code_challenge");
        if (!"S256".equals(q.get("code_challenge_method")) || challenge == null || !CHALLENGE.matcher(challenge).matches()) {
            redirectError(rc, redirectUri, state, "invalid_request", "PKCE is required: code_challenge with "
                    + "code_challenge_method=S256.");
            return;
        }
        String base = baseUrl.apply(rc);
        String resource = q.get("resource");
        if (resource != null && !(resource.equals(base) || resource.startsWith(base + "/mcp/v1/"))) {
            redirectError(rc, redirectUri, state, "invalid_target", "resource must be this gateway (" + base
                    + ") or one of its MCP endpoints.");
            return;
        }
        provider.endpoints(idp.get()).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warnf("sign-in: cannot read the discovery document of identity provider '%s': %s",
                        idp.get().name(), ar.cause().getMessage());
                redirectError(rc, redirectUri, state, "temporarily_unavailable",
                        "The identity provider cannot be reached; try again later.");
                return;
            }
            String verifier = randomToken(48);
            String nonce = randomToken(24);
            JwtClaims pending = new JwtClaims();
            pending.setClaim("cid", q.get("client_id"));
            pending.setClaim("ru", redirectUri);
            pending.setClaim("cc", challenge);
            pending.setClaim("st", state);
            pending.setClaim("res", resource);
            pending.setClaim("pv", verifier);
            pending.setClaim("non", nonce);
            pending.setClaim("idp", idp.get().name());
            String url = ar.result().authorization() + (ar.result().authorization().contains("?") ? "&" : "?")
                    + "response_type=code&client_id=" + ProviderClient.form(idp.get().signIn().clientId())
                    + "&redirect_uri=" + ProviderClient.form(base + CALLBACK_PATH)
                    + "&scope=" + ProviderClient.form(String.join(" ", idp.get().signIn().scopes()))
                    + "&state=" + ProviderClient.form(sealed.seal("pending", pending, PENDING_TTL))
                    + "&nonce=" + ProviderClient.form(nonce)
                    + "&code_challenge=" + ProviderClient.form(challenge(verifier)) + "&code_challenge_method=S256";
            redirect(rc, url);
        });
    }

    private void callback(RoutingContext rc) {
        Optional<IdentityProvider> idp = provider();
        if (idp.isEmpty()) {
            rc.next();
            return;
        }
        var q = rc.queryParams();
        Optional<JwtClaims> found = sealed.open("pending", q.get("state"));
        if (found.isEmpty()) {
            error(rc, 400, "invalid_request", "This sign-in is unknown or took longer than "
                    + PENDING_TTL.toMinutes() + " minutes: start again from the MCP client.");
            return;
        }
        JwtClaims pending = found.get();
        String redirectUri = text(pending, "ru");
        String state = text(pending, "st");
        if (!idp.get().name().equals(text(pending, "idp"))) {
            redirectError(rc, redirectUri, state, "access_denied", "The sign-in configuration changed: try again.");
            return;
        }
        if (q.get("error") != null) {
            String error = PASSED_ON_ERRORS.contains(q.get("error")) ? q.get("error") : "access_denied";
            redirectError(rc, redirectUri, state, error, "The identity provider did not sign the user in ("
                    + error + ").");
            return;
        }
        String secret = states.get().signInSecret().orElse(null);
        String base = baseUrl.apply(rc);
        provider.exchange(idp.get(), secret, String.valueOf(q.get("code")), base + CALLBACK_PATH, text(pending, "pv"),
                text(pending, "non")).onComplete(ar -> {
            if (ar.failed()) {
                signInFailed(rc, redirectUri, state, idp.get(), ar.cause());
                return;
            }
            ProviderClient.Identity who = ar.result().identity();
            try {
                AccessTokens.knownUser(states.get().snapshot(), who.user());
            } catch (AuthenticationFailure e) {
                redirectError(rc, redirectUri, state, "access_denied", e.getMessage());
                return;
            }
            JwtClaims code = new JwtClaims();
            code.setGeneratedJwtId();
            code.setClaim("cid", text(pending, "cid"));
            code.setClaim("ru", redirectUri);
            code.setClaim("cc", text(pending, "cc"));
            code.setClaim("res", text(pending, "res"));
            code.setClaim("idp", idp.get().name());
            code.setClaim("usr", who.user());
            code.setStringListClaim("grp", who.groups());
            code.setClaim("prt", ar.result().refreshToken());
            redirect(rc, redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code="
                    + ProviderClient.form(sealed.seal("code", code, CODE_TTL))
                    + (state == null ? "" : "&state=" + ProviderClient.form(state))
                    + "&iss=" + ProviderClient.form(base));
        });
    }

    private void signInFailed(RoutingContext rc, String redirectUri, String state, IdentityProvider idp, Throwable e) {
        if (e instanceof ProviderClient.Refused refused) {
            LOG.infof("sign-in with identity provider '%s' refused: %s", idp.name(), refused.getMessage());
            redirectError(rc, redirectUri, state, "access_denied", "The identity provider refused the sign-in ("
                    + refused.error + ").");
        } else {
            LOG.warnf("sign-in with identity provider '%s' failed: %s", idp.name(), e.getMessage());
            redirectError(rc, redirectUri, state, "server_error", "The sign-in with the identity provider failed: "
                    + e.getMessage() + ".");
        }
    }

    private static boolean registered(JwtClaims client, String redirectUri) {
        List<String> uris;
        try {
            uris = client.getStringListClaimValue("ru");
        } catch (MalformedClaimException e) {
            return false;
        }
        for (String u : uris) {
            if (u.equals(redirectUri) || sameLoopbackIgnoringPort(u, redirectUri)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 8252 section 7.3: a native app's loopback redirect URI may take any port. */
    private static boolean sameLoopbackIgnoringPort(String registered, String given) {
        try {
            URI a = new URI(registered);
            URI b = new URI(given);
            return "http".equals(a.getScheme()) && "http".equals(b.getScheme()) && LOOPBACK.contains(a.getHost())
                    && a.getHost().equals(b.getHost()) && String.valueOf(a.getRawPath()).equals(String.valueOf(b.getRawPath()))
                    && String.valueOf(a.getRawQuery()).equals(String.valueOf(b.getRawQuery()));
        } catch (Exception e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ token

    private void token(RoutingContext rc) {
        Optional<IdentityProvider> idp = provider();
        if (idp.isEmpty()) {
            rc.next();
            return;
        }
        Map<String, String> form = form(rc);
        String grant = form.get("grant_type");
        if ("authorization_code".equals(grant)) {
            redeemCode(rc, idp.get(), form);
        } else if ("refresh_token".equals(grant)) {
            refresh(rc, idp.get(), form);
        } else {
            error(rc, 400, grant == null ? "invalid_request" : "unsupported_grant_type",
                    "grant_type must be authorization_code or refresh_token.");
        }
    }

    private void redeemCode(RoutingContext rc, IdentityProvider idp, Map<String, String> form) {
        Optional<JwtClaims> found = sealed.open("code", form.get("code"));
        if (found.isEmpty()) {
            error(rc, 400, "invalid_grant", "The authorization code is unknown or has expired.");
            return;
        }
        JwtClaims code = found.get();
        String clientId = clientId(rc, form);
        if (clientId == null || !clientId.equals(text(code, "cid"))) {
            error(rc, 400, "invalid_grant", "The authorization code was issued to another client.");
            return;
        }
        if (!text(code, "ru").equals(form.get("redirect_uri"))) {
            error(rc, 400, "invalid_grant", "redirect_uri differs from the one of the authorization request.");
            return;
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || !VERIFIER.matcher(verifier).matches()
                || !MessageDigest.isEqual(challenge(verifier).getBytes(StandardCharsets.US_ASCII),
                        text(code, "cc").getBytes(StandardCharsets.US_ASCII))) {
            error(rc, 400, "invalid_grant", "code_verifier does not match the code_challenge.");
            return;
        }
        if (!firstRedemption(code)) {
            error(rc, 400, "invalid_grant", "The authorization code has already been used.");
            return;
        }
        if (!idp.name().equals(text(code, "idp"))) {
            error(rc, 400, "invalid_grant", "The sign-in configuration changed: sign in again.");
            return;
        }
        String providerRefresh = text(code, "prt");
        long until = tokens.clock().millis()
                + (providerRefresh == null ? REFRESH_WITHOUT_PROVIDER : REFRESH_TTL).toMillis();
        issue(rc, idp, clientId, text(code, "res"), text(code, "usr"), strings(code, "grp"), providerRefresh, until);
    }

    private void refresh(RoutingContext rc, IdentityProvider idp, Map<String, String> form) {
        Optional<JwtClaims> found = sealed.open("refresh", form.get("refresh_token"));
        if (found.isEmpty()) {
            error(rc, 400, "invalid_grant", "The refresh token is unknown or has expired: sign in again.");
            return;
        }
        JwtClaims old = found.get();
        String clientId = clientId(rc, form);
        if (clientId == null || !clientId.equals(text(old, "cid"))) {
            error(rc, 400, "invalid_grant", "The refresh token was issued to another client.");
            return;
        }
        if (!idp.name().equals(text(old, "idp"))) {
            error(rc, 400, "invalid_grant", "The sign-in configuration changed: sign in again.");
            return;
        }
        String user = text(old, "usr");
        List<String> groups = strings(old, "grp");
        String providerRefresh = text(old, "prt");
        if (providerRefresh == null) {
            Object until = old.getClaimValue("unt");
            issue(rc, idp, clientId, text(old, "res"), user, groups, null,
                    until instanceof Number n ? n.longValue() : 0);
            return;
        }
        provider.refresh(idp, states.get().signInSecret().orElse(null), providerRefresh).onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof ProviderClient.Refused refused) {
                    LOG.infof("sign-in of '%s' not renewed: %s", user, refused.getMessage());
                    error(rc, 400, "invalid_grant", "The identity provider no longer signs this user in ("
                            + refused.error + "): sign in again.");
                } else {
                    LOG.warnf("sign-in of '%s' not renewed: %s", user, ar.cause().getMessage());
                    error(rc, 503, "temporarily_unavailable", "The identity provider cannot be reached; try again.");
                }
                return;
            }
            ProviderClient.Tokens renewed = ar.result();
            String nextUser = renewed.identity() == null ? user : renewed.identity().user();
            List<String> nextGroups = renewed.identity() == null ? groups : renewed.identity().groups();
            issue(rc, idp, clientId, text(old, "res"), nextUser, nextGroups,
                    renewed.refreshToken() == null ? providerRefresh : renewed.refreshToken(),
                    tokens.clock().millis() + REFRESH_TTL.toMillis());
        });
    }

    /** The access token and the next refresh token, for a user who must (still) be one of the config's. */
    private void issue(RoutingContext rc, IdentityProvider idp, String clientId, String resource, String user,
                       List<String> groups, String providerRefresh, long untilMillis) {
        try {
            AccessTokens.knownUser(states.get().snapshot(), user);
        } catch (AuthenticationFailure e) {
            error(rc, 400, "invalid_grant", e.getMessage());
            return;
        }
        long left = untilMillis - tokens.clock().millis();
        if (left <= 0) {
            error(rc, 400, "invalid_grant", "The sign-in has expired: sign in again.");
            return;
        }
        String base = baseUrl.apply(rc);
        JwtClaims next = new JwtClaims();
        next.setGeneratedJwtId();
        next.setClaim("cid", clientId);
        next.setClaim("res", resource);
        next.setClaim("idp", idp.name());
        next.setClaim("usr", user);
        next.setStringListClaim("grp", groups);
        next.setClaim("prt", providerRefresh);
        next.setClaim("unt", untilMillis);
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("access_token", tokens.issue(base, resource, idp.name(), user, groups, clientId));
        doc.put("token_type", "Bearer");
        doc.put("expires_in", AccessTokens.ACCESS_TOKEN_TTL.toSeconds());
        doc.put("refresh_token", sealed.seal("refresh", next, Duration.ofMillis(left)));
        send(rc, 200, doc);
    }

    /** A code is redeemed once per replica; the record is dropped when the code would have expired anyway. */
    private boolean firstRedemption(JwtClaims code) {
        long now = tokens.clock().millis();
        if (redeemedCodes.size() > 10_000) {
            redeemedCodes.values().removeIf(expiry -> expiry <= now);
        }
        try {
            return redeemedCodes.putIfAbsent(code.getJwtId(), code.getExpirationTime().getValueInMillis()) == null;
        } catch (MalformedClaimException | NullPointerException e) {
            return false;
        }
    }

    /** A public client names itself in the form; one that uses HTTP Basic anyway names itself there. */
    private static String clientId(RoutingContext rc, Map<String, String> form) {
        String id = form.get("client_id");
        String basic = rc.request().getHeader("authorization");
        if (id == null && basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                id = java.net.URLDecoder.decode(colon < 0 ? pair : pair.substring(0, colon), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return id;
    }

    private static Map<String, String> form(RoutingContext rc) {
        Map<String, String> out = new HashMap<>();
        if (rc.body().buffer() == null) {
            return out;
        }
        new QueryStringDecoder(rc.body().asString(), StandardCharsets.UTF_8, false).parameters()
                .forEach((k, v) -> out.put(k, v.isEmpty() ? null : v.get(0)));
        return out;
    }

    // ------------------------------------------------------------------ helpers

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String text(JwtClaims claims, String name) {
        Object v = claims.getClaimValue(name);
        return v instanceof String s ? s : null;
    }

    private static List<String> strings(JwtClaims claims, String name) {
        return AccessTokens.stringList(claims.getClaimValue(name));
    }

    private static void redirect(RoutingContext rc, String location) {
        rc.response().setStatusCode(302).putHeader("location", location).putHeader("cache-control", "no-store")
                .putHeader("content-type", "application/json").end("{\"redirect\":" + quote(location) + "}");
    }

    private void redirectError(RoutingContext rc, String redirectUri, String state, String error, String description) {
        redirect(rc, redirectUri + (redirectUri.contains("?") ? "&" : "?") + "error=" + error
                + "&error_description=" + ProviderClient.form(description)
                + (state == null ? "" : "&state=" + ProviderClient.form(state))
                + "&iss=" + ProviderClient.form(baseUrl.apply(rc)));
    }

    private static String quote(String s) {
        return Json.MAPPER.getNodeFactory().textNode(s).toString();
    }

    static void error(RoutingContext rc, int status, String error, String description) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("error", error);
        doc.put("error_description", description);
        send(rc, status, doc);
    }

    private static void send(RoutingContext rc, int status, ObjectNode doc) {
        rc.response().setStatusCode(status).putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store").putHeader("pragma", "no-cache").end(Json.buffer(doc));
    }

    @Override
    public void close() {
        provider.close();
    }
}
