package dev.switchboard.controlplane.console;

import dev.switchboard.controlplane.auth.AdminCredentials;
import dev.switchboard.controlplane.auth.AdminJwtVerifier;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;

/**
 * Sign-in with the admin API's credentials: the admin token or an admin JWT with the admin role signs in as admin; the
 * console's viewer token or a JWT with the viewer role ({@code switchboard.console.viewer-role}) as viewer. The
 * credential is checked once and never stored: the session cookie holds who signed in and the role.
 */
@Path(ConsolePaths.ROOT)
public class SignInPage {

    static final String ADMIN_TOKEN_CALLER = "admin-token";
    static final String VIEWER_TOKEN_CALLER = "viewer-token";

    @Inject
    AdminCredentials credentials;

    @Inject
    ConsoleSettings settings;

    @Inject
    SessionCookies cookies;

    @Inject
    @Location("console/sign-in.html")
    Template page;

    private volatile byte[] viewerToken;

    @GET
    public Response root() {
        return Response.seeOther(URI.create(ConsolePaths.OVERVIEW)).build();
    }

    @GET
    @Path("sign-in")
    public Response form() {
        return html(200, null);
    }

    @POST
    @Path("sign-in")
    @Blocking // an admin JWT may need the identity provider's JWKS fetched
    public Response signIn(@FormParam("credential") String credential, @Context UriInfo uri) {
        String given = credential == null ? "" : credential.strip();
        if (given.isEmpty()) {
            return html(400, "Enter the admin token, a viewer token or an admin JWT.");
        }
        ConsoleSession session = check(given);
        if (session == null) {
            return html(401, "This credential does not sign in: it is neither the admin token, the viewer token nor a"
                    + " valid JWT with the admin or viewer role.");
        }
        return Response.seeOther(URI.create(ConsolePaths.OVERVIEW))
                .cookie(cookie(cookies.encode(session), (int) settings.sessionTtl().toSeconds(), uri))
                .build();
    }

    @POST
    @Path("sign-out")
    public Response signOut(@Context UriInfo uri) {
        return Response.noContent().header("HX-Redirect", ConsolePaths.SIGN_IN).cookie(cookie("", 0, uri)).build();
    }

    private ConsoleSession check(String credential) {
        if (credentials.isAdminToken(credential)) {
            return cookies.open(ADMIN_TOKEN_CALLER, Role.ADMIN, settings.sessionTtl());
        }
        byte[] viewer = viewerToken();
        if (viewer.length > 0 && MessageDigest.isEqual(viewer, credential.getBytes(StandardCharsets.UTF_8))) {
            return cookies.open(VIEWER_TOKEN_CALLER, Role.VIEWER, settings.sessionTtl());
        }
        AdminJwtVerifier jwt = credentials.jwt();
        if (!jwt.enabled() || credential.chars().filter(c -> c == '.').count() != 2) {
            return null;
        }
        AdminJwtVerifier.Verdict verdict = jwt.verify(credential);
        if (!verdict.valid()) {
            return null;
        }
        if (verdict.admin()) {
            return cookies.open(verdict.caller(), Role.ADMIN, settings.sessionTtl());
        }
        if (verdict.roles().contains(settings.viewerRole())) {
            return cookies.open(verdict.caller(), Role.VIEWER, settings.sessionTtl());
        }
        return null;
    }

    /** The identity provider's name for the sign-in button, or null when sign-in through it is not configured. */
    static String oidcLabel(ConsoleSettings settings) {
        return settings.oidc().clientId().isPresent() ? settings.oidc().label() : null;
    }

    private byte[] viewerToken() {
        byte[] token = viewerToken;
        if (token == null) {
            String value = settings.viewerTokenFile().map(file -> {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the console viewer token file " + file, e);
                }
            }).or(settings::viewerToken).orElse("").strip();
            token = value.getBytes(StandardCharsets.UTF_8);
            viewerToken = token;
        }
        return token;
    }

    /** HttpOnly, SameSite=Strict, only for /console; Secure when the console is reached over TLS. */
    static NewCookie cookie(String value, int maxAge, UriInfo uri) {
        return new NewCookie.Builder(SessionCookies.NAME).value(value).path(ConsolePaths.ROOT).maxAge(maxAge)
                .httpOnly(true).secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme()))
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    private Response html(int status, String error) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(page.data("error", error).data("oidc", oidcLabel(settings)).render()).build();
    }
}
