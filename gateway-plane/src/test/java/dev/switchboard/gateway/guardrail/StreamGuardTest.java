package dev.switchboard.gateway.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.model.access.Principal;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.guardrail.GuardScope;
import dev.switchboard.model.guardrail.Guardrails;
import dev.switchboard.model.guardrail.WebhookClient;
import dev.switchboard.model.telemetry.RequestLog;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stream side of {@code llm_output}, with the real guardrail engine: what each batch of events becomes in each of
 * the three dialects. The engine answers at once without webhooks, so every future here is already complete.
 */
class StreamGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String DENY_FORBIDDEN = """
            guardrails:
              - name: no-forbidden
                type: regex
                hooks: [llm_output]
                regex: {deny: ['forbidden']}
            """;
    private static final String MASK_EMAILS = """
            guardrails:
              - name: mask-emails
                type: pii
                hooks: [llm_output]
                pii: {detect: [email], redact: mask}
            """;

    private static Guardrails guardrails(String yaml) {
        String config = """
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: http://127.0.0.1:9/v1
                    models: [{id: m}]
                """ + yaml;
        return Guardrails.compile(ConfigCodec.loadYaml(config, 1, Instant.EPOCH).config(), WebhookClient.UNAVAILABLE);
    }

    private final GuardrailAudit audit = new GuardrailAudit();

    private StreamGuard stream(String yaml, Endpoint endpoint) {
        GuardScope scope = GuardScope.llm(new Principal(SubjectRef.user("alice"), List.of(), "test"), "fake/m");
        return new OutputGuard(guardrails(yaml), scope, endpoint, null, audit).stream();
    }

    private static String send(StreamGuard guard, String sse) {
        var out = guard.onChunk(Buffer.buffer(sse));
        assertTrue(out.isComplete());
        return out.result().toString();
    }

    private static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":" + JSON.valueToTree(content) + "},\"finish_reason\":null}]}\n\n";
    }

    private static String contentOf(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode data = parse(line.substring(6));
                for (JsonNode choice : data.path("choices")) {
                    text.append(choice.path("delta").path("content").asText(""));
                }
            }
        }
        return text.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }

    @Test
    void chunksWithoutFindingsPassByteForByte() {
        StreamGuard guard = stream(DENY_FORBIDDEN, Endpoint.CHAT_COMPLETIONS);
        String role = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";

        assertEquals(role, send(guard, role));
        assertEquals(chunk("Hello"), send(guard, chunk("Hello")));
        assertEquals("data: [DONE]\n\n", send(guard, "data: [DONE]\n\n"));
        assertFalse(guard.blocked());
    }

    @Test
    void aViolationReplacesItsChunkWithAnErrorEventAndDone() {
        StreamGuard guard = stream(DENY_FORBIDDEN, Endpoint.CHAT_COMPLETIONS);
        send(guard, chunk("This is forb"));

        String out = send(guard, chunk("idden text"));

        assertTrue(guard.blocked());
        assertFalse(out.contains("idden text"), out);
        String[] events = out.split("\n\n");
        assertEquals("data: [DONE]", events[1]);
        JsonNode error = parse(events[0].substring("data: ".length())).get("error");
        assertEquals("guardrail_violation", error.get("code").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("'no-forbidden'"), error.toString());
        assertEquals("", send(guard, chunk("more")), "nothing after the block");
        RequestLog.GuardrailVerdict verdict = audit.toLog().get(0);
        assertEquals("llm_output", verdict.hook());
        assertEquals("violation", verdict.outcome());
        assertTrue(verdict.blocked());
    }

    @Test
    void aFindingSplitAcrossChunksIsMaskedInWhatIsNotSentYet() {
        StreamGuard guard = stream(MASK_EMAILS, Endpoint.CHAT_COMPLETIONS);

        String first = send(guard, chunk("write to ali"));
        String second = send(guard, chunk("ce@example.com now"));
        String third = send(guard, chunk(", or to bob@example.org."));

        assertEquals("write to ali", contentOf(first));
        assertEquals("************** now", contentOf(second));
        assertEquals(", or to ***************.", contentOf(third));
        assertEquals("redacted", audit.toLog().get(0).outcome());
    }

    @Test
    void toolCallArgumentsAreCheckedPerCall() {
        StreamGuard guard = stream(MASK_EMAILS, Endpoint.CHAT_COMPLETIONS);
        String call = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":"
                + "{\"arguments\":\"{\\\"to\\\":\\\"bob@example.com\\\"}\"}}]}}]}\n\n";

        String out = send(guard, call);

        JsonNode args = parse(out.substring(6).trim()).at("/choices/0/delta/tool_calls/0/function/arguments");
        assertEquals("{\"to\":\"***************\"}", args.asText());
    }

    @Test
    void anthropicEventsEndWithAnErrorEventOnAViolation() {
        StreamGuard guard = stream(DENY_FORBIDDEN, Endpoint.MESSAGES);
        String delta = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"a forbidden word\"}}\n\n";

        String out = send(guard, delta);

        assertTrue(guard.blocked());
        assertTrue(out.startsWith("event: error\ndata: "), out);
        JsonNode error = parse(out.substring("event: error\ndata: ".length()).trim());
        assertEquals("error", error.get("type").asText());
        assertEquals("invalid_request_error", error.at("/error/type").asText());
        assertTrue(error.at("/error/message").asText().contains("no-forbidden"));
    }

    @Test
    void responsesEventsThatRepeatTheTextGetItAsItWasSent() {
        StreamGuard guard = stream(MASK_EMAILS, Endpoint.RESPONSES);
        String delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"output_index\":0,\"content_index\":0,\"delta\":\"mail bob@example.com\",\"sequence_number\":4}\n\n";
        String done = "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\","
                + "\"output_index\":0,\"content_index\":0,\"text\":\"mail bob@example.com\",\"sequence_number\":5}\n\n";

        String out = send(guard, delta + done);

        String[] events = out.split("\n\n");
        assertEquals("mail ***************", parse(events[0].split("data: ")[1]).get("delta").asText());
        assertEquals("mail ***************", parse(events[1].split("data: ")[1]).get("text").asText());
        assertFalse(out.contains("bob@example.com"), out);
    }
}
