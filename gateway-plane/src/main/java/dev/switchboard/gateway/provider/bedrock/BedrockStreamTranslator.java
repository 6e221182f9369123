package dev.switchboard.gateway.provider.bedrock;

import static dev.switchboard.gateway.provider.bedrock.BedrockRequests.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.provider.ChatChunks;
import dev.switchboard.gateway.provider.ResponseTranslator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * A ConverseStream answer (AWS event-stream binary framing, decoded by the SDK's {@link MessageDecoder}) as OpenAI
 * {@code chat.completion.chunk}s: {@code messageStart} gives the role chunk, text deltas give content, {@code toolUse}
 * blocks and their input deltas give tool-call deltas (indexed from 0 in the order the tools appear),
 * {@code messageStop} the finish reason, and {@code metadata} the usage chunk and {@code [DONE]}. An exception message
 * in the stream (throttling, a model error) becomes an OpenAI error event and a clean end.
 */
final class BedrockStreamTranslator implements ResponseTranslator.StreamTranslator {

    private final ChatChunks chunks;
    private final String account;
    private final MessageDecoder decoder = new MessageDecoder(this::onMessage);
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private Buffer out;
    private boolean stopped;
    private boolean done;

    BedrockStreamTranslator(String id, String model, long createdEpochSeconds, String account) {
        this.chunks = new ChatChunks(createdEpochSeconds);
        chunks.identify(id, model);
        this.account = account;
    }

    @Override
    public Buffer onChunk(Buffer chunk) {
        out = Buffer.buffer();
        if (!done) {
            try {
                decoder.feed(chunk.getBytes());
            } catch (RuntimeException e) {
                // a frame whose length or checksum is wrong: nothing after it can be trusted
                emitError("api_error", "upstream_error", "The Bedrock stream could not be decoded: " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public Buffer onEnd() {
        out = Buffer.buffer();
        if (!done && stopped) {
            // messageStop came, its metadata (usage) did not: the answer is whole all the same
            ChatChunks.done(out);
            done = true;
        } else if (!done) {
            emitError("api_error", "upstream_error", "The Bedrock stream ended before messageStop.");
        }
        return out;
    }

    private void onMessage(Message message) {
        if (done) {
            return;
        }
        String messageType = header(message, ":message-type");
        if ("exception".equals(messageType)) {
            exception(header(message, ":exception-type"), message.getPayload());
            return;
        }
        if ("error".equals(messageType)) {
            exception(header(message, ":error-code"), null);
            return;
        }
        JsonNode e;
        try {
            e = JSON.readTree(message.getPayload());
        } catch (IOException ex) {
            emitError("api_error", "upstream_error", "The Bedrock stream carried an event that is not JSON.");
            return;
        }
        String eventType = header(message, ":event-type");
        switch (eventType == null ? "" : eventType) {
            case "messageStart" -> chunks.role(out);
            case "contentBlockStart" -> {
                JsonNode use = e.path("start").path("toolUse");
                if (!use.isMissingNode()) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(e.path("contentBlockIndex").asInt(), toolIndex);
                    chunks.chunk(out, ChatChunks.toolCallHead(toolIndex, use.path("toolUseId").asText(),
                            use.path("name").asText()), null);
                }
            }
            case "contentBlockDelta" -> {
                JsonNode delta = e.path("delta");
                if (delta.has("text")) {
                    chunks.text(out, 0, delta.get("text").asText());
                } else if (delta.has("toolUse")) {
                    Integer toolIndex = toolIndexByBlock.get(e.path("contentBlockIndex").asInt());
                    if (toolIndex != null) {
                        chunks.chunk(out, ChatChunks.toolCallArguments(toolIndex,
                                delta.get("toolUse").path("input").asText()), null);
                    }
                }
                // reasoningContent deltas have no place in an OpenAI chat stream
            }
            case "messageStop" -> {
                stopped = true;
                chunks.finish(out, 0, BedrockResponses.finishReason(e.path("stopReason").asText("end_turn")));
            }
            case "metadata" -> {
                chunks.usage(out, BedrockResponses.usage(e.path("usage")));
                ChatChunks.done(out);
                done = true;
            }
            default -> { } // contentBlockStop, and events added later
        }
    }

    private void exception(String awsType, byte[] payload) {
        String message = null;
        if (payload != null) {
            try {
                JsonNode body = JSON.readTree(payload);
                message = body.hasNonNull("message") ? body.get("message").asText()
                        : body.hasNonNull("Message") ? body.get("Message").asText() : null;
            } catch (IOException ex) {
                // keep the generic message
            }
        }
        // the type arrives in camel case in the stream (throttlingException), as its exception class elsewhere
        String type = awsType == null || awsType.isEmpty() ? null
                : Character.toUpperCase(awsType.charAt(0)) + awsType.substring(1);
        BedrockResponses.ErrorKind kind = BedrockResponses.ErrorKind.of(type, 500);
        if (kind.credentialRefused()) {
            message = "Bedrock refused the AWS credentials of the provider account '" + account + "' (" + type + ").";
        } else if (message == null || message.isBlank()) {
            message = "The Bedrock stream failed" + (type == null ? "." : " (" + type + ").");
        }
        emitError(kind.openAiType(), kind.status() == 429 ? "rate_limit_exceeded" : type == null ? "upstream_error" : type,
                message);
    }

    private static String header(Message message, String name) {
        HeaderValue value = message.getHeaders().get(name);
        return value == null ? null : value.getString();
    }

    private void emitError(String type, String code, String message) {
        ChatChunks.error(out, BedrockResponses.errorJson(type, code, message).toString());
        done = true;
    }
}
