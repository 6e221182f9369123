package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.auth.AdminCredentials;
import dev.switchboard.controlplane.auth.AdminJwtVerifier;
import dev.switchboard.controlplane.config.ConfigJson;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Sign-in through the identity provider that issues the admin JWTs: the OAuth 2.0 authorization code flow with PKCE
 * (S256). {@code /start} keeps the state and the PKCE verifier in a short-lived cookie signed like the session (so any
 * replica finishes the flow) and sends the browser to the provider; {@code /callback} checks the state, exchanges the
 * code with the verifier, and checks the access token (else the ID token) exactly as the admin API checks an admin JWT
 * ({@link AdminJwtVerifier}: signature against the JWKS, issuer, audience, expiry), the role claim giving admin or
 * viewer. Tokens are not kept: the session cookie holds who signed in and the role.
 */
@Path(ConsolePaths.OIDC)
public class OidcSignIn {

    static final String FLOW_COOKIE = "switchboard_console_oidc";
    static final Duration FLOW_TTL = Duration.ofMinutes(10);
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(OidcSignIn.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Inject
    ConsoleSettings settings;

    @Inject
    ControlPlaneConfig config;

    @Inject
    AdminCredentials credentials;

    @Inject
    SessionCookies cookies;

    @Inject
    @Location("console/sign-in.html")
    Template signInPage;

    @Inject
    @Location("console/signed-in.html")
    Template signedInPage;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile JsonNode discovery;
    private volatile String clientSecret;

    @GET
    @Path("start")
    @Blocking // the discovery document may be fetched
    public Response start(@Context UriInfo uri) {
        if (!enabled()) {
            return failed(404, "Sign-in through an identity provider is not configured"
                    + " (switchboard.console.oidc.client-id and switchboard.admin.jwt.issuer).");
        }
        JsonNode endpoints;
        try {
            endpoints = discovery();
        } catch (ProviderFailure e) {
            return failed(502, e.getMessage());
        }
        String state = random(24);
        String verifier = random(32);
        String flow = cookies.sign(ConfigJson.mapper().createObjectNode().put("s", state).put("v", verifier)
                .put("e", cookies.now().plus(FLOW_TTL).getEpochSecond()));
        URI authorize = UriBuilder.fromUri(endpoints.path("authorization_endpoint").asText())
                .queryParam("response_type", "code")
                .queryParam("client_id", settings.oidc().clientId().get())
                .queryParam("redirect_uri", redirectUri(uri))
                .queryParam("scope", settings.oidc().scopes())
                .queryParam("state", state)
                .queryParam("code_challenge", challenge(verifier))
                .queryParam("code_challenge_method", "S256")
                .build();
        return Response.seeOther(authorize).cookie(flowCookie(flow, (int) FLOW_TTL.toSeconds(), uri)).build();
    }

    @GET
    @Path("callback")
    @Blocking // the token endpoint, and the JWKS on first use
    public Response callback(@QueryParam("code") String code, @QueryParam("state") String state,
                             @QueryParam("error") String error, @QueryParam("error_description") String description,
                             @CookieParam(FLOW_COOKIE) String flowCookie, @Context UriInfo uri) {
        if (!enabled()) {
            return failed(404, "Sign-in through an identity provider is not configured.");
        }
        JsonNode flow = cookies.verified(flowCookie);
        if (flow == null) {
            return failed(400, "This sign-in did not start here or took longer than " + FLOW_TTL.toMinutes()
                    + " minutes; sign in again.", uri);
        }
        if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                flow.path("s").asText().getBytes(StandardCharsets.UTF_8))) {
            return failed(400, "The identity provider's answer does not belong to this sign-in (state mismatch);"
                    + " sign in again.", uri);
        }
        if (error != null) {
            return failed(401, "The identity provider refused the sign-in: " + error
                    + (description == null ? "" : " (" + description + ")") + ".", uri);
        }
        if (code == null || code.isEmpty()) {
            return failed(400, "The identity provider sent no authorization code; sign in again.", uri);
        }
        JsonNode tokens;
        try {
            tokens = exchange(code, flow.path("v").asText(), redirectUri(uri));
        } catch (ProviderFailure e) {
            return failed(502, e.getMessage(), uri);
        }
        AdminJwtVerifier.Verdict verdict = null;
        for (String field : new String[] {"access_token", "id_token"}) {
            String token = tokens.path(field).asText("");
            if (token.chars().filter(c -> c == '.').count() == 2) {
                AdminJwtVerifier.Verdict v = credentials.jwt().verify(token);
                if (v.valid()) {
                    verdict = v;
                    break;
                }
            }
        }
        if (verdict == null) {
            return failed(401, "The identity provider's tokens are not admin JWTs this control plane accepts (issuer,"
                    + " audience, signature: switchboard.admin.jwt.*).", uri);
        }
        Role role = verdict.admin() ? Role.ADMIN
                : verdict.roles().contains(settings.viewerRole()) ? Role.VIEWER : null;
        if (role == null) {
            return failed(403, verdict.caller() + " holds neither the admin role ("
                    + config.admin().jwt().role() + ") nor the viewer role (" + settings.viewerRole() + ") in the "
                    + config.admin().jwt().roleClaim() + " claim.", uri);
        }
        ConsoleSession session = cookies.open(verdict.caller(), role, settings.sessionTtl());
        LOG.infof("console: %s signed in through the identity provider as %s", verdict.caller(), role.label());
        return Response.ok(signedInPage.data("caller", verdict.caller()).data("role", role.label()).render(),
                        MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .cookie(SignInPage.cookie(cookies.encode(session), (int) settings.sessionTtl().toSeconds(), uri),
                        flowCookie("", 0, uri))
                .build();
    }

    private boolean enabled() {
        return settings.oidc().clientId().isPresent() && credentials.jwt().enabled()
                && config.admin().jwt().issuer().isPresent();
    }

    /** The provider's endpoints, fetched once. */
    private JsonNode discovery() {
        JsonNode found = discovery;
        if (found != null) {
            return found;
        }
        String url = settings.oidc().discoveryUrl().orElseGet(() -> config.admin().jwt().issuer().get()
                .replaceAll("/+$", "") + "/.well-known/openid-configuration");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT).GET().build(),
                "discovery document " + url);
        try {
            found = ConfigJson.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new ProviderFailure("The identity provider's discovery document " + url + " is not JSON.");
        }
        if (r.statusCode() != 200 || !found.path("authorization_endpoint").isTextual()
                || !found.path("token_endpoint").isTextual()) {
            throw new ProviderFailure("The identity provider's discovery document " + url + " (HTTP "
                    + r.statusCode() + ") names no authorization_endpoint and token_endpoint.");
        }
        discovery = found;
        return found;
    }

    /** The token endpoint's answer to the code and the PKCE verifier. */
    private JsonNode exchange(String code, String verifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        form.put("client_id", settings.oidc().clientId().get());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(discovery().path("token_endpoint").asText()))
                .timeout(HTTP_TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"))));
        String secret = clientSecret();
        if (!secret.isEmpty()) {
            // client_secret_basic: both parts form-encoded first (RFC 6749, 2.3.1)
            String pair = encode(settings.oidc().clientId().get()) + ":" + encode(secret);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    pair.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = send(request.build(), "token endpoint");
        JsonNode body;
        try {
            body = ConfigJson.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new ProviderFailure("The identity provider's token endpoint answered HTTP " + r.statusCode()
                    + " without JSON.");
        }
        if (r.statusCode() != 200) {
            // OAuth's error code only: the description may echo what was sent
            throw new ProviderFailure("The identity provider refused the code: "
                    + body.path("error").asText("HTTP " + r.statusCode()) + "; sign in again.");
        }
        return body;
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ProviderFailure("The identity provider's " + what + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderFailure("Interrupted while calling the identity provider.");
        }
    }

    private String clientSecret() {
        String secret = clientSecret;
        if (secret == null) {
            secret = settings.oidc().clientSecretFile().map(file -> {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the console OIDC client secret file " + file, e);
                }
            }).or(() -> settings.oidc().clientSecret()).orElse("").strip();
            clientSecret = secret;
        }
        return secret;
    }

    private String redirectUri(UriInfo uri) {
        return settings.oidc().redirectUrl().orElseGet(() -> uri.getBaseUriBuilder().replacePath(ConsolePaths.OIDC
                + "/callback").replaceQuery(null).build().toString());
    }

    /** The flow's cookie: only for the callback, HttpOnly; Lax, as the provider's redirect back is cross-site. */
    private static NewCookie flowCookie(String value, int maxAge, UriInfo uri) {
        return new NewCookie.Builder(FLOW_COOKIE).value(value).path(ConsolePaths.OIDC).maxAge(maxAge).httpOnly(true)
                .secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme()))
                .sameSite(NewCookie.SameSite.LAX).build();
    }

    private Response failed(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(signInPage.data("error", message).data("oidc", SignInPage.oidcLabel(settings)).render())
                .build();
    }

    /** A failure after the flow started: its cookie is cleared too. */
    private Response failed(int status, String message, UriInfo uri) {
        Response r = failed(status, message);
        return Response.fromResponse(r).cookie(flowCookie("", 0, uri)).build();
    }

    static String challenge(String verifier) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The identity provider cannot be reached or answered wrongly: said as a sentence for the sign-in page. */
    static final class ProviderFailure extends RuntimeException {
        ProviderFailure(String message) {
            super(message, null, false, false);
        }
    }
}
