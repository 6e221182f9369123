package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.pipeline.LlmRequest;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.model.guardrail.Guardrails;
import dev.switchboard.model.guardrail.Verdict;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code llm_input} hook: the request's conversation, checked before any provider call. The payload is the
 * conversation members of the body as the caller sent them: {@code messages} (chat), {@code instructions} and
 * {@code input} (responses), {@code input} (embeddings, moderations), {@code prompt} (completions, images), {@code input} and {@code instructions} (speech), {@code query} and {@code documents} (rerank), {@code system} and {@code messages} (Anthropic messages).
 * A block fails the future with a 400 {@code guardrail_violation}; a redaction yields the request with those members
 * replaced (the body is re-serialized only then); otherwise the request itself.
 */
public final class InputGuard {

    private InputGuard() {
    }

    static List<String> conversation(Endpoint endpoint) {
        return switch (endpoint) {
            case CHAT_COMPLETIONS -> List.of("messages");
            case RESPONSES -> List.of("instructions", "input");
            case EMBEDDINGS -> List.of("input");
            case MESSAGES -> List.of("system", "messages");
            case COMPLETIONS -> List.of("prompt");
            case MODERATIONS -> List.of("input");
            case RERANK -> List.of("query", "documents");
            case IMAGES_GENERATIONS -> List.of("prompt");
            case AUDIO_SPEECH -> List.of("input", "instructions");
            // an upload's audio is not in memory and not text: the pipeline never screens it
            case AUDIO_TRANSCRIPTIONS, AUDIO_TRANSLATIONS -> List.of();
        };
    }

    public static Future<LlmRequest> check(Guardrails guardrails, GuardScope scope, LlmRequest request,
                                           Context context, GuardrailAudit audit) {
        ObjectNode body;
        try {
            body = (ObjectNode) OutputGuard.JSON.readTree(request.body());
        } catch (IOException | ClassCastException e) {
            return Future.failedFuture(GatewayError.invalidJson("the body must be a JSON object"));
        }
        List<String> members = conversation(request.endpoint());
        ObjectNode payload = OutputGuard.JSON.createObjectNode();
        for (String member : members) {
            if (body.hasNonNull(member)) {
                payload.set(member, body.get(member));
            }
        }
        return Checks.run(guardrails, Guardrail.Hook.LLM_INPUT, scope, payload, context).map(result -> {
            audit.record(Guardrail.Hook.LLM_INPUT, result.verdicts());
            if (result.blocked()) {
                Verdict v = result.blockingVerdict();
                boolean failed = v.outcome() == Verdict.Outcome.ERROR || v.outcome() == Verdict.Outcome.TIMEOUT;
                throw GatewayError.guardrailViolation("request", v.guardrail(), failed, v.reason());
            }
            if (result.payload() == payload || !result.rewritten()) {
                return request;
            }
            for (String member : members) {
                JsonNode rewritten = result.payload().get(member);
                if (rewritten != null && body.has(member)) {
                    body.set(member, rewritten);
                }
            }
            return LlmRequest.parse(request.endpoint(), body.toString().getBytes(StandardCharsets.UTF_8));
        });
    }
}
