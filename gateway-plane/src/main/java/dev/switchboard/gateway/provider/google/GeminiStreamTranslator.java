package dev.switchboard.gateway.provider.google;

import static dev.switchboard.gateway.provider.google.GeminiRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private final long created;
    private final String model;
    private final SseParser parser = SseParser.dataEvents(this::onEvent);
    private final Set<Integer> calledTools = new HashSet<>();
    private Buffer out;
    private String id;
    private String responseId = "";
    private String modelVersion;
    private JsonNode usage;
    private int toolCallNumber;
    private boolean finished;
    private boolean done;

    GeminiStreamTranslator(String model, long createdEpochSeconds) {
        this.model = model;
        this.created = createdEpochSeconds;
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
        ObjectNode chunk = chunkShell();
        chunk.putArray("choices");
        chunk.set("usage", GeminiResponses.usage(usage == null ? JSON.createObjectNode() : usage));
        write(chunk.toString());
        out.appendString("data: [DONE]\n\n");
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
        if (id == null) {
            responseId = e.path("responseId").asText("");
            id = "chatcmpl-" + responseId;
            modelVersion = e.path("modelVersion").asText(model);
            emitChunk(0, JSON.createObjectNode().put("role", "assistant").put("content", ""), null);
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
                    emitChunk(index, JSON.createObjectNode().put("content", part.get("text").asText()), null);
                } else if (part.has("functionCall")) {
                    calledTools.add(index);
                    ObjectNode call = GeminiResponses.toolCall(part.get("functionCall"), responseId, toolCallNumber);
                    call.put("index", toolCallNumber++);
                    ObjectNode delta = JSON.createObjectNode();
                    delta.putArray("tool_calls").add(call);
                    emitChunk(index, delta, null);
                }
            }
            String finish = GeminiResponses.finishReason(candidate.path("finishReason").asText(null),
                    calledTools.contains(index));
            if (finish != null) {
                finished = true;
                emitChunk(index, JSON.createObjectNode(), finish);
            }
        }
    }

    private ObjectNode chunkShell() {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id == null ? "chatcmpl-" : id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", modelVersion == null ? model : modelVersion);
        return chunk;
    }

    private void emitChunk(int index, ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkShell();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        write(chunk.toString());
    }

    private void emitError(Buffer openAiError) {
        out.appendString("data: ").appendBuffer(openAiError).appendString("\n\ndata: [DONE]\n\n");
        done = true;
    }

    private void write(String json) {
        out.appendString("data: ").appendString(json).appendString("\n\n");
    }
}
