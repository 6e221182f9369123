package dev.switchboard.controlplane.console;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * The console's gate, for every {@code /console} page but sign-in (the form, and the identity provider's flow under
 * {@code /console/oidc/}): a valid session cookie (else to the sign-in page); on every
 * change (any method but GET and HEAD) the session's CSRF token, in {@code X-CSRF-Token} (htmx sends it) or in the
 * form field {@code csrf} (a form posted without script), and, when the browser sends one, an {@code Origin} of this
 * host; and changes only for the admin role, sign-out aside. Every answer carries a
 * Content-Security-Policy that allows no inline script and nothing from another origin.
 */
@Singleton
public class ConsoleFilters {

    static final String CSRF_HEADER = "X-CSRF-Token";
    /** The hidden field of every console form that posts without script. */
    static final String CSRF_FIELD = "csrf";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Set<String> SAFE = Set.of("GET", "HEAD");

    @Inject
    SessionCookies cookies;

    @Inject
    ConsoleCaller caller;

    @ServerRequestFilter
    @WithFormRead
    public Response gate(ResteasyReactiveContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return null;
        }
        boolean safe = SAFE.contains(request.getMethod());
        if (!safe && !sameOrigin(request)) {
            return plain(403, "the request comes from another origin");
        }
        if (path.equals(ConsolePaths.SIGN_IN) || path.startsWith(ConsolePaths.OIDC + "/")) {
            return null;
        }
        Cookie cookie = request.getCookies().get(SessionCookies.NAME);
        ConsoleSession session = cookies.decode(cookie == null ? null : cookie.getValue());
        if (session == null) {
            return toSignIn(request);
        }
        if (!safe) {
            String token = request.getHeaderString(CSRF_HEADER);
            if (token == null) {
                token = formToken(request);
            }
            if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    session.csrf().getBytes(StandardCharsets.UTF_8))) {
                return plain(403, "the request lacks this session's CSRF token; reload the page");
            }
            if (!session.role().canChange() && !path.equals(ConsolePaths.SIGN_OUT)) {
                return plain(403, "signed in as a viewer: changes need the admin role");
            }
        }
        caller.set(session);
        return null;
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return;
        }
        response.getHeaders().putSingle("Content-Security-Policy", CSP);
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" on the console's own POSTs
        response.getHeaders().putSingle("Referrer-Policy", "same-origin");
        response.getHeaders().putSingle("X-Frame-Options", "DENY");
        response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** The {@code csrf} field of a posted form (read before this filter: {@link WithFormRead}), or null. */
    private static String formToken(ResteasyReactiveContainerRequestContext request) {
        if (request.getServerRequestContext() instanceof ResteasyReactiveRequestContext context) {
            return context.getFormParameter(CSRF_FIELD, true, false) instanceof String token ? token : null;
        }
        return null;
    }

    /** Browsers send Origin on every cross-site and most same-site changes; when present it must be this host. */
    private static boolean sameOrigin(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        try {
            URI o = URI.create(origin);
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && o.getHost() != null && (authority.equalsIgnoreCase(host)
                    || (o.getPort() < 0 && host.equalsIgnoreCase(o.getHost() + ":" + defaultPort(o.getScheme()))));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static Response plain(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(message).build();
    }

    private static Response toSignIn(ContainerRequestContext request) {
        if (request.getHeaderString("HX-Request") != null) {
            // htmx follows this with a full page load instead of swapping the sign-in page into a fragment
            return Response.status(401).header("HX-Redirect", ConsolePaths.SIGN_IN).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("signed out").build();
        }
        return Response.seeOther(URI.create(ConsolePaths.SIGN_IN)).build();
    }
}
