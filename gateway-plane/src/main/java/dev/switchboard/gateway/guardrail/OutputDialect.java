package dev.switchboard.gateway.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.guardrail.CheckPayload.Index;
import dev.switchboard.gateway.guardrail.TextSlot.Channel;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundError;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Where the text of an answer sits in the caller's wire format, and how that format says "blocked". Output guardrails
 * look at the answer as the caller receives it, after any translation, so one place covers passthrough and translated
 * upstreams alike: OpenAI chat completions and their chunks, Anthropic messages and their events (the
 * {@code /v1/messages} endpoint), and OpenAI Responses and their events.
 */
enum OutputDialect {

    /** {@code choices[].message|delta}: {@code content}, and {@code tool_calls[].function.arguments}. */
    OPENAI_CHAT {
        @Override
        void bodySlots(JsonNode body, List<TextSlot> out) {
            choices(body, "message", out);
        }

        @Override
        void eventSlots(String event, JsonNode data, List<TextSlot> out) {
            choices(data, "delta", out);
        }

        private void choices(JsonNode root, String member, List<TextSlot> out) {
            JsonNode choices = root.path("choices");
            for (int i = 0; i < choices.size(); i++) {
                JsonNode choice = choices.get(i);
                int group = choice.path("index").asInt(i);
                if (!(choice.get(member) instanceof ObjectNode message)) {
                    continue;
                }
                if (isText(message.get("content"))) {
                    out.add(new TextSlot(new Channel(group, -1, false), message, "content", false));
                }
                JsonNode calls = message.path("tool_calls");
                for (int j = 0; j < calls.size(); j++) {
                    JsonNode call = calls.get(j);
                    if (call.get("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                        out.add(new TextSlot(new Channel(group, call.path("index").asInt(j), true), fn, "arguments",
                                false));
                    }
                }
            }
        }

        @Override
        List<Object> path(Channel c) {
            return c.arguments()
                    ? List.of("choices", new Index(c.group()), "message", "tool_calls", new Index(c.item()), "function",
                            "arguments")
                    : List.of("choices", new Index(c.group()), "message", "content");
        }

        @Override
        Buffer errorBody(GatewayError e) {
            return e.toJson();
        }

        @Override
        Buffer errorEvent(GatewayError e, long sequence) {
            return Buffer.buffer("data: ").appendBuffer(e.toJson()).appendString("\n\ndata: [DONE]\n\n");
        }
    },

    /** Legacy completions: {@code choices[].text}, in the whole answer and in each chunk alike. */
    OPENAI_COMPLETIONS {
        @Override
        void bodySlots(JsonNode body, List<TextSlot> out) {
            JsonNode choices = body.path("choices");
            for (int i = 0; i < choices.size(); i++) {
                if (choices.get(i) instanceof ObjectNode choice && choice.path("text").isTextual()) {
                    out.add(new TextSlot(new Channel(choice.path("index").asInt(i), -1, false), choice, "text", false));
                }
            }
        }

        @Override
        void eventSlots(String event, JsonNode data, List<TextSlot> out) {
            bodySlots(data, out);
        }

        @Override
        List<Object> path(Channel c) {
            return List.of("choices", new Index(c.group()), "text");
        }

        @Override
        Buffer errorBody(GatewayError e) {
            return OPENAI_CHAT.errorBody(e);
        }

        @Override
        Buffer errorEvent(GatewayError e, long sequence) {
            return OPENAI_CHAT.errorEvent(e, sequence);
        }
    },

    /**
     * {@code content[]}: text blocks' {@code text} and tool_use blocks' {@code input}; in a stream, the
     * {@code text_delta} and {@code input_json_delta} of {@code content_block_delta}. Thinking is not checked: its
     * blocks are signed, and a rewrite would break the signature the caller must send back.
     */
    ANTHROPIC_MESSAGES {
        @Override
        void bodySlots(JsonNode body, List<TextSlot> out) {
            JsonNode content = body.path("content");
            for (int b = 0; b < content.size(); b++) {
                if (!(content.get(b) instanceof ObjectNode block)) {
                    continue;
                }
                switch (block.path("type").asText()) {
                    case "text" -> out.add(new TextSlot(new Channel(0, b, false), block, "text", false));
                    case "tool_use" -> {
                        if (block.hasNonNull("input")) {
                            out.add(new TextSlot(new Channel(0, b, true), block, "input", false));
                        }
                    }
                    default -> { }
                }
            }
        }

        @Override
        void eventSlots(String event, JsonNode data, List<TextSlot> out) {
            int b = data.path("index").asInt(-1);
            switch (data.path("type").asText(event == null ? "" : event)) {
                case "content_block_start" -> {
                    if (data.get("content_block") instanceof ObjectNode block && "text".equals(block.path("type").asText())
                            && !block.path("text").asText("").isEmpty()) {
                        out.add(new TextSlot(new Channel(0, b, false), block, "text", false));
                    }
                }
                case "content_block_delta" -> {
                    if (data.get("delta") instanceof ObjectNode delta) {
                        switch (delta.path("type").asText()) {
                            case "text_delta" -> out.add(new TextSlot(new Channel(0, b, false), delta, "text", false));
                            case "input_json_delta" ->
                                    out.add(new TextSlot(new Channel(0, b, true), delta, "partial_json", false));
                            default -> { }
                        }
                    }
                }
                default -> { }
            }
        }

        @Override
        List<Object> path(Channel c) {
            return List.of("content", new Index(c.item()), c.arguments() ? "input" : "text");
        }

        @Override
        Buffer errorBody(GatewayError e) {
            return AnthropicInboundError.fromGatewayError(e).toJson();
        }

        @Override
        Buffer errorEvent(GatewayError e, long sequence) {
            return Buffer.buffer("event: error\ndata: ").appendBuffer(AnthropicInboundError.fromGatewayError(e).toJson())
                    .appendString("\n\n");
        }
    },

    /**
     * {@code output[]}: message items' {@code output_text} parts and function calls' {@code arguments}; in a stream,
     * the {@code response.output_text.delta} and {@code response.function_call_arguments.delta} events. The events
     * that repeat a text whole ({@code *.done}, {@code response.completed}) are full slots: they get the text as it
     * was sent, so that a redaction made in the deltas is not undone at the end.
     */
    OPENAI_RESPONSES {
        @Override
        void bodySlots(JsonNode body, List<TextSlot> out) {
            output(body, false, out);
        }

        private void output(JsonNode response, boolean full, List<TextSlot> out) {
            JsonNode output = response.path("output");
            for (int o = 0; o < output.size(); o++) {
                item(output.get(o), o, full, out);
            }
        }

        private void item(JsonNode item, int o, boolean full, List<TextSlot> out) {
            if (!(item instanceof ObjectNode object)) {
                return;
            }
            switch (object.path("type").asText()) {
                case "message" -> {
                    JsonNode content = object.path("content");
                    for (int c = 0; c < content.size(); c++) {
                        part(content.get(c), o, c, full, out);
                    }
                }
                case "function_call" -> {
                    if (object.path("arguments").isTextual()) {
                        out.add(new TextSlot(new Channel(o, -1, true), object, "arguments", full));
                    }
                }
                default -> { }
            }
        }

        private void part(JsonNode part, int o, int c, boolean full, List<TextSlot> out) {
            if (part instanceof ObjectNode object && "output_text".equals(object.path("type").asText())
                    && object.path("text").isTextual()) {
                out.add(new TextSlot(new Channel(o, c, false), object, "text", full));
            }
        }

        @Override
        void eventSlots(String event, JsonNode data, List<TextSlot> out) {
            if (!(data instanceof ObjectNode object)) {
                return;
            }
            int o = data.path("output_index").asInt(0);
            int c = data.path("content_index").asInt(0);
            switch (data.path("type").asText(event == null ? "" : event)) {
                case "response.output_text.delta" -> out.add(new TextSlot(new Channel(o, c, false), object, "delta", false));
                case "response.function_call_arguments.delta" ->
                        out.add(new TextSlot(new Channel(o, -1, true), object, "delta", false));
                case "response.output_text.done" -> out.add(new TextSlot(new Channel(o, c, false), object, "text", true));
                case "response.function_call_arguments.done" ->
                        out.add(new TextSlot(new Channel(o, -1, true), object, "arguments", true));
                case "response.content_part.done" -> part(data.get("part"), o, c, true, out);
                case "response.output_item.done" -> item(data.get("item"), o, true, out);
                case "response.completed", "response.incomplete", "response.failed" ->
                        output(data.path("response"), true, out);
                default -> { }
            }
        }

        @Override
        List<Object> path(Channel c) {
            return c.arguments()
                    ? List.of("output", new Index(c.group()), "arguments")
                    : List.of("output", new Index(c.group()), "content", new Index(c.item()), "text");
        }

        @Override
        boolean repeatsText() {
            return true;
        }

        @Override
        Buffer errorBody(GatewayError e) {
            return e.toJson();
        }

        @Override
        Buffer errorEvent(GatewayError e, long sequence) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.put("type", "error");
            event.put("code", e.code());
            event.put("message", e.getMessage());
            event.putNull("param");
            event.put("sequence_number", sequence);
            return Buffer.buffer("event: error\ndata: ").appendString(event.toString()).appendString("\n\n");
        }
    };

    static OutputDialect of(Endpoint endpoint) {
        return switch (endpoint) {
            case MESSAGES -> ANTHROPIC_MESSAGES;
            case RESPONSES -> OPENAI_RESPONSES;
            case COMPLETIONS -> OPENAI_COMPLETIONS;
            default -> OPENAI_CHAT;
        };
    }

    /** The text slots of a whole answer. */
    abstract void bodySlots(JsonNode body, List<TextSlot> out);

    /** The text slots of one stream event ({@code event} is the SSE event name, null when none). */
    abstract void eventSlots(String event, JsonNode data, List<TextSlot> out);

    /** Where a channel's text goes in the check payload (see {@link CheckPayload}). */
    abstract List<Object> path(Channel channel);

    /** Whether a stream repeats texts whole after their deltas (full slots): then each channel's sent text is kept. */
    boolean repeatsText() {
        return false;
    }

    /** The body of a blocked answer (HTTP 400). */
    abstract Buffer errorBody(GatewayError e);

    /** What ends a blocked stream; {@code sequence} is the next event number, for formats that number events. */
    abstract Buffer errorEvent(GatewayError e, long sequence);

    private static boolean isText(JsonNode content) {
        return content != null && (content.isTextual() || content.isArray());
    }
}
