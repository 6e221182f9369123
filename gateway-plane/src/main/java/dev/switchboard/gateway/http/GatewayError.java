package dev.switchboard.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.model.limits.Metric;
import dev.switchboard.model.limits.Refusal;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An error the gateway answers itself, in the OpenAI error shape
 * {@code {"error":{"message","type","param","code"}}}. Built only here, so every endpoint speaks the same shape.
 * It carries no stack trace: it is a value, thrown only to leave the pipeline early.
 */
public final class GatewayError extends RuntimeException {

    private static final JsonFactory JSON = new JsonFactory();
    public static final String GUARDRAIL_VIOLATION = "guardrail_violation";

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    /** The rate limit or budget that refused the request; null for every other error. */
    private final String limit;

    private GatewayError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, null);
    }

    private GatewayError(int status, String type, String code, String param, String message, String limit) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.limit = limit;
    }

    public static GatewayError invalidRequest(String message, String param) {
        return new GatewayError(400, "invalid_request_error", "invalid_request", param, message);
    }

    public static GatewayError invalidJson(String detail) {
        return new GatewayError(400, "invalid_request_error", "invalid_json",
                null, "We could not parse the JSON body of your request: " + detail);
    }

    public static GatewayError unauthenticated(String message) {
        return new GatewayError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    public static GatewayError forbidden(String model) {
        return new GatewayError(403, "permission_error", "model_not_allowed", "model",
                "You are not allowed to use the model '" + model + "'.");
    }

    public static GatewayError modelNotFound(String model) {
        return new GatewayError(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or is not served by this gateway.");
    }

    public static GatewayError notFound(String path) {
        return new GatewayError(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + path + ".");
    }

    public static GatewayError methodNotAllowed(String method, String path) {
        return new GatewayError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + ".");
    }

    public static GatewayError bodyTooLarge(long limit) {
        return new GatewayError(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than the limit of " + limit + " bytes.");
    }

    /** 408: the body did not finish arriving within {@code timeoutMs} (switchboard.http.body-timeout). */
    public static GatewayError bodyTimeout(long timeoutMs) {
        return new GatewayError(408, "invalid_request_error", "request_timeout", null,
                "The request body did not arrive within " + timeoutMs + " ms.");
    }

    /** 414 for a request line over the limit, 431 for headers over it; {@code message} names the sizes. */
    public static GatewayError requestHeadTooLarge(int status, String message) {
        return new GatewayError(status, "invalid_request_error",
                status == 414 ? "request_line_too_long" : "request_headers_too_large", null, message);
    }

    /** 415: the body is not of the media type the endpoint takes ({@code expected}). */
    public static GatewayError unsupportedMediaType(String contentType, String expected) {
        return new GatewayError(415, "invalid_request_error", "unsupported_media_type", null,
                "The request body must be " + expected + ", got '" + contentType + "'.");
    }

    /**
     * A guardrail blocked the call: a violation, or (in {@code enforce} mode) a guardrail that failed or timed out.
     * Always 400 {@code guardrail_violation}, also for an answer already produced upstream (see docs/guardrails.md);
     * {@code reason} is the verdict's, which never quotes the sensitive value.
     */
    public static GatewayError guardrailViolation(String what, String guardrail, boolean failed, String reason) {
        String why = failed ? " because the guardrail '" + guardrail + "' could not check it: "
                : " by the guardrail '" + guardrail + "': ";
        return new GatewayError(400, "invalid_request_error", GUARDRAIL_VIOLATION, null,
                "The " + what + " was blocked" + why + (reason == null || reason.isBlank() ? "no reason given" : reason)
                        + (reason != null && reason.endsWith(".") ? "" : "."));
    }

    /**
     * No target the request may go to serves its endpoint (each named with its provider type, e.g.
     * {@code 'claude/sonnet' (anthropic)}); refused before any provider call.
     */
    public static GatewayError endpointNotServed(String model, String endpoint, String targets) {
        return new GatewayError(400, "invalid_request_error", "unsupported_endpoint", "model",
                "The model '" + model + "' cannot serve " + endpoint + ": " + targets + ".");
    }

    public static GatewayError upstreamUnreachable(String target) {
        return new GatewayError(502, "api_error", "upstream_unreachable", null,
                "The upstream of '" + target + "' could not be reached.");
    }

    public static GatewayError upstreamFailed(String target, String why) {
        return new GatewayError(502, "api_error", "upstream_error", null,
                "The upstream of '" + target + "' failed: " + why + ".");
    }

    public static GatewayError upstreamTimeout(String target, String phase) {
        return new GatewayError(504, "api_error", "upstream_timeout", null,
                "The upstream of '" + target + "' timed out " + phase + ".");
    }

    public static GatewayError providerMisconfigured(String account) {
        return new GatewayError(502, "api_error", "provider_misconfigured", null,
                "The credentials of provider account '" + account + "' are not available on this gateway.");
    }

    public static GatewayError unavailable(String message) {
        return new GatewayError(503, "api_error", "gateway_not_ready", null, message);
    }

    /**
     * 429 from our own rate limit or budget, as OpenAI answers its own: a rate limit's type says what ran out
     * ({@code requests}, {@code tokens}), a spent budget is {@code insufficient_quota}. Never retried on another target.
     */
    public static GatewayError limited(Refusal refusal) {
        Refusal.Refused r = refusal.reported();
        boolean budget = r.metric() == Metric.USD;
        String type = budget ? "insufficient_quota" : r.metric() == Metric.REQUESTS ? "requests" : "tokens";
        return new GatewayError(429, type, budget ? "budget_exceeded" : "rate_limit_exceeded", null, refusal.message(),
                r.limit().rule().name());
    }

    public static GatewayError internal() {
        return new GatewayError(500, "api_error", "internal_error", null, "The gateway failed to handle the request.");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String limit() {
        return limit;
    }

    public Buffer toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", getMessage());
            g.writeStringField("type", type);
            g.writeStringField("param", param);
            g.writeStringField("code", code);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }
}
