package dev.switchboard.controlplane.admin;

import dev.switchboard.model.validation.ConfigError;
import java.util.ArrayList;
import java.util.List;

/**
 * An admin-API error as a value: an HTTP status, a short title, a detail sentence and, for bad input, every error with
 * its field path. Written as {@code application/problem+json}:
 * {@code {"status": 400, "title": "invalid input", "detail": "2 errors", "errors": [{"path": ..., "message": ...}]}}.
 */
public final class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<ConfigError> errors;

    public ApiProblem(int status, String title, String detail, List<ConfigError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ApiProblem invalid(List<ConfigError> errors) {
        return new ApiProblem(400, "invalid input", count(errors), errors);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not found", detail, List.of());
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "conflict", detail, List.of());
    }

    /** The change itself is well-formed but would leave other resources pointing at nothing. */
    public static ApiProblem brokenReferences(List<ConfigError> errors) {
        return new ApiProblem(422, "change would break references",
                count(errors) + " in other resources; their paths are paths in the whole config", errors);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "unauthorized", detail, List.of());
    }

    /** A service the answer needs (the config store) cannot be reached now. */
    public static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "service unavailable", detail, List.of());
    }

    public static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "forbidden", detail, List.of());
    }

    /**
     * The problem for a config that fails validation after a change. {@code scope} is where the changed resource sits in
     * the config ({@code virtual_models[3]}): errors inside it are bad input (400) with paths relative to the resource;
     * when all errors are elsewhere the change breaks references (422). An empty scope means the whole config was given
     * (400, whole-config paths); a null scope means nothing was given but a deletion (422).
     */
    public static ApiProblem forInvalidConfig(List<ConfigError> errors, String scope) {
        if (scope == null) {
            return brokenReferences(errors);
        }
        if (scope.isEmpty()) {
            return invalid(errors);
        }
        List<ConfigError> own = new ArrayList<>();
        List<ConfigError> others = new ArrayList<>();
        for (ConfigError e : errors) {
            String path = e.path();
            if (path.equals(scope)) {
                own.add(new ConfigError("", e.message()));
            } else if (path.startsWith(scope + ".")) {
                own.add(new ConfigError(path.substring(scope.length() + 1), e.message()));
            } else if (path.startsWith(scope + "[")) {
                own.add(new ConfigError(path.substring(scope.length()), e.message()));
            } else {
                others.add(e);
            }
        }
        if (own.isEmpty()) {
            return brokenReferences(others);
        }
        own.addAll(others);
        return invalid(own);
    }

    private static String count(List<ConfigError> errors) {
        return errors.size() + (errors.size() == 1 ? " error" : " errors");
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
