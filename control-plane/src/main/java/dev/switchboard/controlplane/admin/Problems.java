package dev.switchboard.controlplane.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place admin-API problems become HTTP responses ({@code application/problem+json}). */
public class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";

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
}
