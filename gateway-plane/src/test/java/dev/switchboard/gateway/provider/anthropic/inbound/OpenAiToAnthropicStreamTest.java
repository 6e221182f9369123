package dev.switchboard.gateway.provider.anthropic.inbound;

import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundGoldenTest.readTree;
import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundGoldenTest.translate;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The stream's edges: ends early or late, upstreams that bend the chunk grammar, errors. */
class OpenAiToAnthropicStreamTest {

    private static final String HEAD = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,";

    private static String chunk(String choiceFields) {
        return "data: " + HEAD + choiceFields + "}]}\n\n";
    }

    private static String text(String t) {
        return chunk("\"delta\":{\"content\":\"" + t + "\"},\"finish_reason\":null");
    }

    private static String finish(String reason) {
        return chunk("\"delta\":{},\"finish_reason\":\"" + reason + "\"");
    }

    private static final String USAGE = "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n";

    private static List<String> run(String sse) {
        return translate(List.of(Buffer.buffer(sse)));
    }

    private static List<String> names(List<String> events) {
        return events.stream().map(e -> e.substring(0, e.indexOf(' '))).collect(Collectors.toList());
    }

    private static JsonNode data(String event) {
        return readTree(event.substring(event.indexOf(' ') + 1));
    }

    @Test
    void streamCutBeforeTheEndEndsWithAnErrorEvent() {
        List<String> out = run(text("Hel"));
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "error"), names(out));
        JsonNode error = data(out.get(3)).path("error");
        assertEquals("api_error", error.path("type").asText());
        assertEquals("The upstream stream ended before the message was complete.", error.path("message").asText());
    }

    @Test
    void emptyStreamEndsWithAnErrorEventOnly() {
        assertEquals(List.of("error"), names(run("")));
    }

    @Test
    void finishAndDoneWithoutUsageReportZeroOutputTokens() {
        List<String> out = run(text("Hi") + finish("length") + "data: [DONE]\n\n");
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), names(out));
        JsonNode delta = data(out.get(4));
        assertEquals("max_tokens", delta.path("delta").path("stop_reason").asText());
        assertEquals(0, delta.path("usage").path("output_tokens").asInt(-1));
    }

    @Test
    void usageAfterTheFinishCompletesTheMessageEvenWithoutDone() {
        List<String> out = run(text("Hi") + finish("stop") + USAGE);
        assertEquals("message_stop", names(out).get(out.size() - 1));
        JsonNode delta = data(out.get(out.size() - 2));
        assertEquals(3, delta.path("usage").path("output_tokens").asInt());
        assertEquals(7, delta.path("usage").path("input_tokens").asInt());
    }

    @Test
    void usageOnEveryChunkWaitsForTheFinishAndLaterChunksAreIgnored() {
        String withUsage = "data: " + HEAD + "\"delta\":{\"content\":\"a\"},\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1}}\n\n";
        List<String> out = run(withUsage + finish("stop") + USAGE + text("late") + "data: [DONE]\n\n");
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), names(out));
        assertEquals(7, data(out.get(0)).path("message").path("usage").path("input_tokens").asInt());
        assertEquals(3, data(out.get(4)).path("usage").path("output_tokens").asInt());
    }

    @Test
    void onlyDoneGivesAnEmptyMessage() {
        assertEquals(List.of("message_start", "message_delta", "message_stop"), names(run("data: [DONE]\n\n")));
    }

    @Test
    void newIdOnTheSameIndexIsANewToolCallAndStopWithToolCallsIsToolUse() {
        String a = chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":null");
        String b = chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"x\\\":1}\"}}]},\"finish_reason\":null");
        List<String> out = run(a + b + finish("stop") + "data: [DONE]\n\n");
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"), names(out));
        assertEquals("b", data(out.get(4)).path("content_block").path("id").asText());
        assertEquals(1, data(out.get(5)).path("index").asInt());
        assertEquals("{\"x\":1}", data(out.get(5)).path("delta").path("partial_json").asText());
        assertEquals("tool_use", data(out.get(7)).path("delta").path("stop_reason").asText());
    }

    @Test
    void toolCallsWithoutIndexOrIdAreNumberedAndNamed() {
        String a = chunk("\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"q\\\":\"}}]},\"finish_reason\":null");
        String a2 = chunk("\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"1}\"}}]},\"finish_reason\":null");
        List<String> out = run(a + a2 + finish("tool_calls") + "data: [DONE]\n\n");
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), names(out));
        assertEquals("toolu_c1_0", data(out.get(1)).path("content_block").path("id").asText());
        assertEquals(0, data(out.get(3)).path("index").asInt());
    }

    @Test
    void argumentsForAnEarlierCallGoToItsOwnBlock() {
        String a = chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]},\"finish_reason\":null");
        String b = chunk("\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},\"finish_reason\":null");
        String aMore = chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"}\"}}]},\"finish_reason\":null");
        List<String> out = run(a + b + aMore + finish("tool_calls") + "data: [DONE]\n\n");
        JsonNode late = data(out.get(6));
        assertEquals("content_block_delta", late.path("type").asText());
        assertEquals(0, late.path("index").asInt());
    }

    @Test
    void errorAsAStringIsAnApiError() {
        List<String> out = run("data: {\"error\":\"boom\"}\n\n");
        assertEquals(List.of("error"), names(out));
        assertEquals("api_error", data(out.get(0)).path("error").path("type").asText());
        assertEquals("boom", data(out.get(0)).path("error").path("message").asText());
    }

    @Test
    void gatewayErrorEventMapsItsType() {
        String gateway = "\n\ndata: {\"error\":{\"message\":\"The upstream of 'x' timed out in the middle of the stream.\","
                + "\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_timeout\"}}\n\ndata: [DONE]\n\n";
        List<String> out = run(text("Hi") + gateway);
        assertEquals("error", names(out).get(out.size() - 1));
        assertEquals("api_error", data(out.get(out.size() - 1)).path("error").path("type").asText());
    }

    @Test
    void crlfLinesAndCommentsAreFine() {
        String sse = (": keep-alive\n\n" + text("Hi") + finish("stop") + USAGE + "data: [DONE]\n\n").replace("\n", "\r\n");
        List<String> out = run(sse);
        assertEquals("message_stop", names(out).get(out.size() - 1));
        assertEquals("Hi", data(out.get(2)).path("delta").path("text").asText());
    }

    @Test
    void utf8SequencesCutByChunkBoundariesArriveWhole() {
        String word = "a\u00fc\u2713\uD83D\uDE00"; // 1 + 2 + 3 + 4 bytes
        byte[] sse = (text(word) + finish("stop") + USAGE + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        List<Buffer> oneByteChunks = new java.util.ArrayList<>();
        for (byte b : sse) {
            oneByteChunks.add(Buffer.buffer(new byte[] {b}));
        }
        List<String> out = translate(oneByteChunks);
        assertEquals(word, data(out.get(2)).path("delta").path("text").asText());
        assertEquals("message_stop", names(out).get(out.size() - 1));
    }
}
