package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.store.StoreOutage;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place admin-API problems become HTTP responses ({@code application/problem+json}). */
public class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(Problems.class);

    @Inject
    StoreOutage outage;

    public static Response response(ApiProblem problem) {
        ObjectNode body = ConfigJson.mapper().createObjectNode();
        body.put("status", problem.status());
        body.put("title", problem.title());
        body.put("detail", problem.detail());
        if (!problem.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            for (ConfigError e : problem.errors()) {
                errors.addObject().put("path", e.path()).put("message", e.message());
            }
        }
        Response.ResponseBuilder response = Response.status(problem.status()).type(PROBLEM_JSON)
                .entity(body.toString());
        if (problem.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"switchboard-admin\"");
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response map(ApiProblem problem) {
        return response(problem);
    }

    /** A config or resource that cannot be read (bad YAML/JSON, unknown field, wrong type): 400 with the paths. */
    @ServerExceptionMapper
    public Response map(ConfigException invalid) {
        return response(ApiProblem.invalid(invalid.errors()));
    }

    /**
     * What the config store's stack throws. PostgreSQL out of reach is a 503 with {@code Retry-After}, its cause logged
     * once per outage ({@link StoreOutage}); anything else a 500 whose id is in the answer and, with the stack trace,
     * in the log. Never the statement or its values.
     */
    @ServerExceptionMapper({java.util.concurrent.CompletionException.class, org.hibernate.HibernateException.class,
            io.vertx.core.VertxException.class, io.vertx.pgclient.PgException.class, java.net.ConnectException.class,
            io.vertx.core.impl.NoStackTraceThrowable.class, jakarta.persistence.PersistenceException.class})
    public Response mapStoreFailure(Throwable failure) {
        for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof ApiProblem problem) { // wrapped on its way through a Uni: still the API's own answer
                return map(problem);
            }
            if (t instanceof ConfigException invalid) {
                return map(invalid);
            }
        }
        if (StoreOutage.isUnreachable(failure)) {
            outage.failed(failure);
            return Response.fromResponse(response(ApiProblem.unavailable("the config store (PostgreSQL at "
                    + StoreOutage.where() + ") cannot be reached; try again later"))).header("Retry-After", "5").build();
        }
        String id = java.util.UUID.randomUUID().toString();
        LOG.errorf(failure, "admin API: internal error %s", id);
        return response(new ApiProblem(500, "internal error", "an internal error occurred (error id " + id
                + ", in the control plane's log)", List.of()));
    }
}
