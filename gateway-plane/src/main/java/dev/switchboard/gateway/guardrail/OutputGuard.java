package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.model.guardrail.GuardrailResult;
import dev.switchboard.model.guardrail.Guardrails;
import dev.switchboard.model.guardrail.Verdict;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code llm_output} hook for one answer, made only when a guardrail applies there. A whole answer is checked
 * before any of it is written ({@link #body}); a stream is checked as it goes ({@link #stream}). The answer is seen
 * in the caller's wire format, after any translation; the check's payload is its text only (see
 * {@link CheckPayload}). Futures complete on the request's context.
 */
public final class OutputGuard {

    static final ObjectMapper JSON = new ObjectMapper();

    final Guardrails guardrails;
    final GuardScope scope;
    final OutputDialect dialect;
    final Context context;
    final GuardrailAudit audit;

    public OutputGuard(Guardrails guardrails, GuardScope scope, Endpoint endpoint, Context context, GuardrailAudit audit) {
        this.guardrails = guardrails;
        this.scope = scope;
        this.dialect = OutputDialect.of(endpoint);
        this.context = context;
        this.audit = audit;
    }

    /** What to send for a whole answer: the body (rewritten or not), or a 400 error in the caller's dialect. */
    public record Checked(Buffer body, boolean blocked) {
    }

    /** Checks a whole successful answer, already in the caller's format. */
    public Future<Checked> body(Buffer body) {
        JsonNode root;
        try {
            root = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return raw(body);
        }
        List<TextSlot> slots = new ArrayList<>();
        dialect.bodySlots(root, slots);
        if (slots.isEmpty()) {
            return Future.succeededFuture(new Checked(body, false));
        }
        CheckPayload payload = new CheckPayload();
        List<JsonPointer> pointers = new ArrayList<>(slots.size());
        for (TextSlot slot : slots) {
            pointers.add(payload.put(dialect.path(slot.channel()), slot.value()));
        }
        JsonNode answer = root;
        return check(payload.root()).map(result -> {
            if (result.blocked()) {
                return blocked(result);
            }
            if (result.payload() == payload.root() || !result.rewritten()) {
                return new Checked(body, false);
            }
            for (int i = 0; i < slots.size(); i++) {
                JsonNode rewritten = result.payload().at(pointers.get(i));
                if (!rewritten.isMissingNode()) {
                    slots.get(i).holder().set(slots.get(i).field(), rewritten);
                }
            }
            return new Checked(Buffer.buffer(answer.toString()), false);
        });
    }

    /** An answer that is not JSON is checked as one text. */
    private Future<Checked> raw(Buffer body) {
        ObjectNode payload = JSON.createObjectNode().put("text", body.toString());
        return check(payload).map(result -> {
            if (result.blocked()) {
                return blocked(result);
            }
            return result.rewritten()
                    ? new Checked(Buffer.buffer(result.payload().path("text").asText()), false)
                    : new Checked(body, false);
        });
    }

    private Checked blocked(GuardrailResult result) {
        return new Checked(dialect.errorBody(violation(result)), true);
    }

    /** {@code error} as the body of an answer in the caller's dialect. */
    public Buffer errorBody(GatewayError error) {
        return dialect.errorBody(error);
    }

    public StreamGuard stream() {
        return new StreamGuard(this);
    }

    Future<GuardrailResult> check(ObjectNode payload) {
        return Checks.run(guardrails, Guardrail.Hook.LLM_OUTPUT, scope, payload, context).map(result -> {
            audit.record(Guardrail.Hook.LLM_OUTPUT, result.verdicts());
            return result;
        });
    }

    static GatewayError violation(GuardrailResult result) {
        Verdict v = result.blockingVerdict();
        boolean failed = v.outcome() == Verdict.Outcome.ERROR || v.outcome() == Verdict.Outcome.TIMEOUT;
        return GatewayError.guardrailViolation("response", v.guardrail(), failed, v.reason());
    }

    static JsonNode text(String value) {
        return TextNode.valueOf(value);
    }
}
