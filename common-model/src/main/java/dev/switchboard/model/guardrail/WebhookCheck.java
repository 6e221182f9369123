package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.secret.SecretResolver;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks an external service: {@code POST url} with {@code {"guardrail", "hook", "subject", "model", "server", "tool",
 * "payload"}}, {@code Content-Type: application/json} and {@code Authorization: Bearer <token>} when a token is
 * configured. A 2xx answer {@code {"verdict": "pass" | "violation", "reason": "...", "payload": ...}} is the verdict
 * (a {@code payload} with {@code pass} rewrites the payload); any other status, an unreadable answer or a failed
 * request is an {@code ERROR}, no answer within {@code timeout_ms} a {@code TIMEOUT}. The token never appears in a
 * reason.
 */
final class WebhookCheck implements Check {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The webhook's own reason is cut to this length. */
    private static final int MAX_REASON = 300;

    private final String guardrail;
    private final String url;
    private final int timeoutMs;
    private final WebhookClient client;
    private final Map<String, String> headers;
    private final String tokenProblem;

    WebhookCheck(String guardrail, Guardrail.WebhookRule rule, WebhookClient client, SecretResolver secrets) {
        this.guardrail = guardrail;
        this.url = rule.url();
        this.timeoutMs = rule.timeoutMs();
        this.client = client;
        String token = null;
        String problem = null;
        if (rule.token() != null) {
            try {
                token = secrets.reveal(rule.token());
            } catch (IllegalStateException e) {
                problem = e.getMessage(); // the resolver's messages name a variable or the master key, never a value
            } catch (RuntimeException e) {
                problem = e.getClass().getSimpleName();
            }
        }
        this.tokenProblem = problem;
        this.headers = token == null
                ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
    }

    @Override
    public CompletionStage<Result> run(Guardrail.Hook hook, GuardScope scope, JsonNode payload, boolean rewrite) {
        if (tokenProblem != null) {
            return Result.error("webhook token cannot be resolved: " + tokenProblem).done();
        }
        CompletableFuture<WebhookClient.Reply> sent;
        CompletableFuture<WebhookClient.Reply> reply;
        try {
            sent = client.post(url, headers, body(hook, scope, payload)).toCompletableFuture();
            reply = sent.thenApply(r -> r);
        } catch (RuntimeException e) {
            return Result.error("webhook request failed: " + e.getClass().getSimpleName()).done();
        }
        return reply.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).handle((r, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof TimeoutException) {
                    sent.cancel(true); // tells the plane's client to give the call up now, not at its own timeout
                    return new Result(Verdict.Outcome.TIMEOUT,
                            "webhook gave no answer within " + timeoutMs + " ms", null);
                }
                return Result.error("webhook request failed: " + cause.getClass().getSimpleName());
            }
            return verdict(r, rewrite);
        });
    }

    private byte[] body(Guardrail.Hook hook, GuardScope scope, JsonNode payload) {
        ObjectNode body = JSON.createObjectNode();
        body.put("guardrail", guardrail);
        body.put("hook", hook.name().toLowerCase(Locale.ROOT));
        body.put("subject", scope.principal() == null || scope.principal().subject() == null
                ? null : scope.principal().subject().toString());
        body.put("model", scope.model());
        body.put("server", scope.server());
        body.put("tool", scope.tool());
        body.set("payload", payload);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the webhook request", e);
        }
    }

    private static Result verdict(WebhookClient.Reply reply, boolean rewrite) {
        if (reply == null) {
            return Result.error("webhook gave no reply");
        }
        if (reply.status() < 200 || reply.status() > 299) {
            return Result.error("webhook answered HTTP " + reply.status());
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(reply.body() == null ? new byte[0] : reply.body());
        } catch (Exception e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || !answer.path("verdict").isTextual()) {
            return Result.error("webhook answer is not {\"verdict\": \"pass\" | \"violation\", ...}");
        }
        String reason = answer.path("reason").isTextual() ? cut(answer.path("reason").textValue()) : null;
        JsonNode rewritten = answer.get("payload");
        return switch (answer.path("verdict").textValue()) {
            case "pass" -> {
                if (rewritten == null || rewritten.isNull()) {
                    yield Result.PASS;
                }
                String what = reason != null ? reason : "the payload";
                yield rewrite ? Result.redacted("webhook rewrote " + what, rewritten)
                        : Result.violation("webhook would rewrite " + what);
            }
            case "violation" -> Result.violation(reason != null ? reason : "webhook reported a violation");
            default -> Result.error("webhook answered an unknown verdict (expected pass or violation)");
        };
    }

    private static String cut(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
    }
}
