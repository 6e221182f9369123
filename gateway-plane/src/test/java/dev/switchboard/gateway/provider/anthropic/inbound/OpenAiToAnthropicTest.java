package dev.switchboard.gateway.provider.anthropic.inbound;

import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundGoldenTest.events;
import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundGoldenTest.golden;
import static dev.switchboard.gateway.provider.anthropic.inbound.AnthropicInboundGoldenTest.readTree;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.gateway.http.GatewayError;
import dev.switchboard.gateway.provider.ResponseTranslator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whole answers and errors: the edges the golden files do not cover, and the composed translator. */
class OpenAiToAnthropicTest {

    private static JsonNode response(String openAi) {
        return readTree(OpenAiToAnthropic.response(Buffer.buffer(openAi), "claude-x").toString());
    }

    private static String completion(String message, String finish) {
        return "{\"id\":\"c9\",\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":" + finish + "}]}";
    }

    @Test
    void toolCallsWinOverAStopFinishAndNonObjectArgumentsGiveAnEmptyInput() {
        JsonNode out = response(completion("{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1,2]\"}},"
                + "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]}", "\"stop\""));
        assertEquals("tool_use", out.path("stop_reason").asText());
        assertEquals(2, out.path("content").size());
        assertEquals("{}", out.path("content").get(0).path("input").toString());
        assertEquals("{}", out.path("content").get(1).path("input").toString());
        assertEquals(0, out.path("usage").path("input_tokens").asInt(-1));
        assertEquals(0, out.path("usage").path("output_tokens").asInt(-1));
    }

    @Test
    void refusalIsTextWithTheRefusalStopReason() {
        JsonNode out = response(completion("{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"}",
                "\"content_filter\""));
        assertEquals("refusal", out.path("stop_reason").asText());
        assertEquals("I can't help with that.", out.path("content").get(0).path("text").asText());
    }

    @Test
    void emptyAnswerHasNoBlocksAndEndsTheTurn() {
        JsonNode out = response(completion("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        assertEquals(0, out.path("content").size());
        assertEquals("end_turn", out.path("stop_reason").asText());
        assertEquals("msg_c9", out.path("id").asText());
    }

    @Test
    void bodyThatIsNotJsonIsAnApiError() {
        JsonNode out = response("<html>502 Bad Gateway</html>");
        assertEquals("error", out.path("type").asText());
        assertEquals("api_error", out.path("error").path("type").asText());
    }

    @ParameterizedTest
    @CsvSource({"400,invalid_request_error", "401,authentication_error", "403,permission_error", "404,not_found_error",
        "405,invalid_request_error", "413,request_too_large", "422,invalid_request_error", "429,rate_limit_error",
        "500,api_error", "502,api_error", "503,overloaded_error", "504,api_error", "529,overloaded_error"})
    void errorTypeFollowsTheStatus(int status, String type) {
        AnthropicInboundError e = AnthropicInboundError.fromOpenAi(status,
                Buffer.buffer("{\"error\":{\"message\":\"m\",\"type\":\"whatever\",\"param\":null,\"code\":null}}"));
        assertEquals(status, e.status());
        assertEquals(type, e.type());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"m\"}}", e.toJson().toString());
    }

    @Test
    void errorBodiesOfOtherShapesKeepWhatMessageTheyHave() {
        assertEquals("The upstream answered HTTP 502.", AnthropicInboundError.fromOpenAi(502, Buffer.buffer("<html>")).getMessage());
        assertEquals("The upstream answered HTTP 500.", AnthropicInboundError.fromOpenAi(500, Buffer.buffer("")).getMessage());
        assertEquals("down", AnthropicInboundError.fromOpenAi(503, Buffer.buffer("{\"error\":\"down\"}")).getMessage());
        assertEquals("Endpoint busy", AnthropicInboundError.fromOpenAi(429,
                Buffer.buffer("{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"Endpoint busy\"}")).getMessage());
    }

    @Test
    void gatewayErrorsKeepStatusAndMessage() {
        AnthropicInboundError e = AnthropicInboundError.fromGatewayError(GatewayError.unauthenticated("Invalid API key."));
        assertEquals(401, e.status());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"Invalid API key.\"}}",
                e.toJson().toString());
        assertEquals(404, AnthropicInboundError.fromGatewayError(GatewayError.modelNotFound("x")).status());
        assertEquals("not_found_error", AnthropicInboundError.fromGatewayError(GatewayError.modelNotFound("x")).type());
    }

    @Test
    void factoriesHaveAnthropicsStatusesAndTypes() {
        List<AnthropicInboundError> all = List.of(AnthropicInboundError.invalidRequest("m"), AnthropicInboundError.authentication("m"),
                AnthropicInboundError.permission("m"), AnthropicInboundError.notFound("m"), AnthropicInboundError.requestTooLarge("m"),
                AnthropicInboundError.rateLimit("m"), AnthropicInboundError.api("m"), AnthropicInboundError.overloaded("m"));
        List<String> got = new ArrayList<>();
        all.forEach(e -> got.add(e.status() + " " + e.type()));
        assertEquals(List.of("400 invalid_request_error", "401 authentication_error", "403 permission_error",
                "404 not_found_error", "413 request_too_large", "429 rate_limit_error", "500 api_error", "529 overloaded_error"), got);
    }

    @Test
    void composedTranslatorOverPassthroughTranslatesBodiesErrorsAndStreams() throws IOException {
        ResponseTranslator t = OpenAiToAnthropic.translator(ResponseTranslator.PASSTHROUGH, "claude-sonnet-4-5");
        assertEquals(readTree(new String(golden("text.anthropic-response.json"))),
                readTree(t.body(200, Buffer.buffer(golden("text.openai-response.json"))).toString()));
        assertEquals(readTree(new String(golden("upstream-429.anthropic-error.json"))),
                readTree(t.body(429, Buffer.buffer(golden("upstream-429.openai-error.json"))).toString()));
        ResponseTranslator.StreamTranslator st = t.stream();
        Buffer out = st.onChunk(Buffer.buffer(golden("text.openai-stream.sse"))).appendBuffer(st.onEnd());
        assertEquals(events(golden("text.anthropic-stream.sse")), events(out.getBytes()));
    }

    @Test
    void composedTranslatorRunsTheAdaptersTranslatorFirst() {
        // an adapter whose upstream speaks another error shape, and whose stream translator holds the end back
        ResponseTranslator adapter = new ResponseTranslator() {
            @Override
            public Buffer body(int status, Buffer body) {
                return Buffer.buffer("{\"error\":{\"message\":\"" + body + "\",\"type\":\"x\"}}");
            }

            @Override
            public StreamTranslator stream() {
                return new StreamTranslator() {
                    @Override
                    public Buffer onChunk(Buffer chunk) {
                        return null;
                    }

                    @Override
                    public Buffer onEnd() {
                        return Buffer.buffer("data: {\"id\":\"z\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
                                + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
                    }
                };
            }
        };
        ResponseTranslator t = OpenAiToAnthropic.translator(adapter, "claude-x");
        AnthropicInboundError expected = AnthropicInboundError.fromOpenAi(403,
                Buffer.buffer("{\"error\":{\"message\":\"nope\"}}"));
        assertEquals(expected.toJson().toString(), t.body(403, Buffer.buffer("nope")).toString());
        ResponseTranslator.StreamTranslator st = t.stream();
        assertEquals(0, st.onChunk(Buffer.buffer("anything")).length());
        List<String> out = events(st.onEnd().getBytes());
        assertEquals(6, out.size());
        assertEquals("message_stop {\"type\":\"message_stop\"}", out.get(5));
    }
}
