package dev.switchboard.gateway.provider.google;

import static dev.switchboard.gateway.provider.google.GeminiRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.provider.ChatChunks;
import dev.switchboard.gateway.provider.OpenAiErrors;
import dev.switchboard.gateway.provider.ResponseTranslator;
import dev.switchboard.runtime.sse.SseParser;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * A Gemini {@code streamGenerateContent?alt=sse} stream (one {@code GenerateContentResponse} per event, no end marker)
 * as OpenAI {@code chat.completion.chunk}s: a role chunk first, text parts as content deltas, {@code functionCall}
 * parts as whole tool-call deltas (Gemini sends a call in one piece), the finish reason, and at the end a usage chunk
 * (from the last {@code usageMetadata}) and {@code [DONE]}. A safety block or an error event becomes an OpenAI error
 * event and a clean end.
 */
final class GeminiStreamTranslator implements ResponseTranslator.StreamTranslator {

    private final ChatChunks chunks;
    private final String model;
    private final SseParser parser = SseParser.dataEvents(this::onEvent);
    private final Set<Integer> calledTools = new HashSet<>();
    private Buffer out;
    private boolean started;
    private String responseId = "";
    private JsonNode usage;
    private int toolCallNumber;
    private boolean finished;
    private boolean done;

    GeminiStreamTranslator(String model, long createdEpochSeconds) {
        this.model = model;
        this.chunks = new ChatChunks(createdEpochSeconds);
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        out = Buffer.buffer();
        parser.feed(chunk);
        return out;
    }

    @Override
    public Buffer onEnd() {
        out = Buffer.buffer();
        parser.finish();
        if (done) {
            return out;
        }
        if (!finished) {
            // the upstream ended without a finish reason: say so rather than end as if complete
            emitError(OpenAiErrors.of(502, null, null, "The Gemini stream ended before a finish reason."));
            return out;
        }
        chunks.usage(out, GeminiResponses.usage(usage == null ? JSON.createObjectNode() : usage));
        ChatChunks.done(out);
        done = true;
        return out;
    }

    private void onEvent(String event, String data) {
        if (done) {
            return;
        }
        JsonNode e;
        try {
            e = JSON.readTree(data);
        } catch (IOException ex) {
            return;
        }
        if (e.has("error")) {
            int status = e.path("error").path("code").asInt(502);
            emitError(GeminiResponses.errorBody(status, Buffer.buffer(data)));
            return;
        }
        String refusal = GeminiResponses.refusal(e);
        if (refusal != null) {
            emitError(GeminiResponses.refusalError(refusal));
            return;
        }
        if (!started) {
            started = true;
            responseId = e.path("responseId").asText("");
            chunks.identify("chatcmpl-" + responseId, e.path("modelVersion").asText(model));
            chunks.role(out);
        }
        if (e.has("usageMetadata")) {
            usage = e.get("usageMetadata");
        }
        for (JsonNode candidate : e.path("candidates")) {
            int index = candidate.path("index").asInt(0);
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                if (part.has("text") && !part.get("text").asText().isEmpty()) {
                    chunks.text(out, index, part.get("text").asText());
                } else if (part.has("functionCall")) {
                    calledTools.add(index);
                    ObjectNode call = GeminiResponses.toolCall(part.get("functionCall"), responseId, toolCallNumber);
                    call.put("index", toolCallNumber++);
                    chunks.chunk(out, index, ChatChunks.toolCallDelta(call), null);
                }
            }
            String finish = GeminiResponses.finishReason(candidate.path("finishReason").asText(null),
                    calledTools.contains(index));
            if (finish != null) {
                finished = true;
                chunks.finish(out, index, finish);
            }
        }
    }

    private void emitError(Buffer openAiError) {
        ChatChunks.error(out, openAiError.toString());
        done = true;
    }
}
