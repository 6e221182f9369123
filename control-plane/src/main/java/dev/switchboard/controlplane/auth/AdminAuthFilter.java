package dev.switchboard.controlplane.auth;

import dev.switchboard.controlplane.admin.ApiProblem;
import dev.switchboard.controlplane.admin.Problems;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /admin/} request needs {@code Authorization: Bearer <credential>}: the bootstrap admin token, or a JWT
 * of the configured issuer whose role claim holds the admin role. 401 without a valid credential, 403 for a valid JWT
 * without the role.
 */
@Singleton
public class AdminAuthFilter {

    static final String TOKEN_CALLER = "admin-token";

    @Inject
    AdminCredentials credentials;

    @Inject
    AdminCaller caller;

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/admin/")) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return deny(ApiProblem.unauthorized("send Authorization: Bearer <admin token or admin JWT>"));
        }
        String credential = header.substring(7).strip();
        if (credentials.isAdminToken(credential)) {
            caller.set(TOKEN_CALLER);
            return Uni.createFrom().nullItem();
        }
        AdminJwtVerifier jwt = credentials.jwt();
        if (!jwt.enabled() || credential.chars().filter(c -> c == '.').count() != 2) {
            return deny(ApiProblem.unauthorized("the credential is not the admin token"
                    + (jwt.enabled() ? " nor an admin JWT" : "")));
        }
        // The JWKS may have to be fetched: verify off the event loop, continue on the request's context.
        Context context = Vertx.currentContext();
        return Uni.createFrom().completionStage(() -> context.executeBlocking(() -> jwt.verify(credential), false)
                        .toCompletionStage())
                .map(verdict -> {
                    if (!verdict.valid()) {
                        return Problems.response(ApiProblem.unauthorized(verdict.reason()));
                    }
                    if (!verdict.admin()) {
                        return Problems.response(ApiProblem.forbidden(verdict.reason()));
                    }
                    caller.set(verdict.caller());
                    return null;
                });
    }

    private static Uni<Response> deny(ApiProblem problem) {
        return Uni.createFrom().item(Problems.response(problem));
    }
}
