package dev.switchboard.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.http.GatewayError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request body is read once, only for the fields the gateway needs, and forwarded with only the model changed. */
class LlmRequestTest {

    private static LlmRequest chat(String json) {
        return LlmRequest.parse(Endpoint.CHAT_COMPLETIONS, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String forwarded(LlmRequest request, String upstreamModel) {
        return new String(request.bodyWithModel(upstreamModel).getBytes(), StandardCharsets.UTF_8);
    }

    private static GatewayError refusal(Endpoint endpoint, String json) {
        return assertThrows(GatewayError.class,
                () -> LlmRequest.parse(endpoint, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(Endpoint endpoint, String json, String code, String param, String message) {
        GatewayError e = refusal(endpoint, json);
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals(code, e.code());
        String shape = e.toJson().toString();
        assertTrue(shape.contains(param == null ? "\"param\":null" : "\"param\":\"" + param + "\""), shape);
        if (message != null) {
            assertEquals(message, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- fields

    @Test
    void readsModelAndStream() {
        LlmRequest request = chat("{\"model\":\"fake/gpt-4o-mini\",\"stream\":true,\"messages\":[]}");
        assertEquals("fake/gpt-4o-mini", request.model());
        assertTrue(request.stream());
        assertEquals(Endpoint.CHAT_COMPLETIONS, request.endpoint());
        assertFalse(chat("{\"model\":\"m\",\"stream\":false,\"messages\":[]}").stream());
        assertFalse(chat("{\"model\":\"m\",\"stream\":null,\"messages\":[]}").stream());
        assertFalse(chat("{\"model\":\"m\",\"messages\":[]}").stream());
    }

    @Test
    void anImageGenerationAsksForItsNOrOneImage() {
        assertEquals(3, parse(Endpoint.IMAGES_GENERATIONS, "{\"model\":\"m\",\"prompt\":\"a fox\",\"n\":3}").images());
        assertEquals(1, parse(Endpoint.IMAGES_GENERATIONS, "{\"model\":\"m\",\"prompt\":\"a fox\"}").images());
        assertEquals(1, parse(Endpoint.IMAGES_GENERATIONS, "{\"model\":\"m\",\"prompt\":\"x\",\"n\":\"2\"}")
                .images(), "not a number: the provider refuses it; the budget reserves one");
        assertEquals(0, chat("{\"model\":\"m\",\"messages\":[],\"n\":4}").images(), "chat's n is no image count");
    }

    @Test
    void aSpeechRequestCountsTheCharactersOfItsInput() {
        // two letters, an accented one, a CJK one and an emoji outside the BMP (two UTF-16 units): five characters
        LlmRequest speech = parse(Endpoint.AUDIO_SPEECH,
                "{\"model\":\"m\",\"input\":\"Hi\u00e9\u732b\ud83d\ude00\",\"voice\":\"alloy\"}");
        assertEquals(5, speech.inputCharacters());
        assertEquals(0, parse(Endpoint.EMBEDDINGS, "{\"model\":\"m\",\"input\":\"Hello\"}").inputCharacters());
        assertEquals(0, parse(Endpoint.AUDIO_SPEECH, "{\"model\":\"m\",\"input\":[\"Hello\"]}").inputCharacters());
    }

    private static LlmRequest parse(Endpoint endpoint, String json) {
        return LlmRequest.parse(endpoint, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fieldsInsideOtherObjectsAreNotTheTopLevelOnes() {
        LlmRequest request = chat("{\"metadata\":{\"model\":\"inner\",\"stream\":true,\"messages\":3},"
                + "\"model\":\"outer\",\"messages\":[{\"model\":\"in-message\"}]}");
        assertEquals("outer", request.model());
        assertFalse(request.stream());
    }

    @Test
    void aSecondModelOrStreamIsRefusedSoThatNoProviderReadsAnotherThanTheGatewayAuthorized() {
        // found by ChatCompletionsFuzzTest: the gateway took the last "model", a provider's parser may take the first
        assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"internal/secret\",\"model\":\"fake/gpt-4o-mini\","
                + "\"messages\":[]}", "invalid_request", "model", "'model' is given more than once.");
        assertRefused(Endpoint.MESSAGES, "{\"model\":\"a\",\"messages\":[],\"stream\":false,\"stream\":true}",
                "invalid_request", "stream", "'stream' is given more than once.");
    }

    @Test
    void modelWithEscapesIsDecoded() {
        assertEquals("fake/gpt-4o-mini", chat("{\"model\":\"fake\\/gpt-4o\\u002dmini\",\"messages\":[]}").model());
    }

    // ---------------------------------------------------------------- bodyWithModel

    @Test
    void onlyTheModelValueChanges() {
        String body = "{ \"messages\" : [ {\"role\":\"user\", \"content\":\"hi\"} ] ,\n\t\"model\"  :  \"fake/gpt-4o-mini\" ,"
                + " \"temperature\" : 0.70, \"x\": {\"model\": \"keep\"} }\n";
        assertEquals(body.replace("\"fake/gpt-4o-mini\"", "\"gpt-4o-mini\""), forwarded(chat(body), "gpt-4o-mini"));
    }

    @Test
    void multiByteTextBeforeTheModelKeepsTheOffsetsRight() {
        String body = "{\"messages\":[{\"content\":\"gr\u00fc\u00df \u2713 \ud83d\ude00 \u4e2d\u6587\"}],"
                + "\"model\":\"fake/gpt-4o-mini\",\"tail\":\"\u00e9\"}";
        String expected = body.replace("\"fake/gpt-4o-mini\"", "\"gpt-4o-mini\"");
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8),
                chat(body).bodyWithModel("gpt-4o-mini").getBytes());
    }

    @Test
    void escapesInTheCallersModelAreReplacedAsAWhole() {
        String body = "{\"model\":\"fake\\/gpt-4o\\u002dmini\",\"messages\":[\"\\\"\\\\\"]}";
        assertEquals("{\"model\":\"gpt-4o-mini\",\"messages\":[\"\\\"\\\\\"]}", forwarded(chat(body), "gpt-4o-mini"));
    }

    @Test
    void upstreamModelIsEscapedAsJson() {
        String body = "{\"model\":\"a\",\"messages\":[]}";
        assertEquals("{\"model\":\"we\\\"ird\\\\id\\n\u00e9\",\"messages\":[]}",
                forwarded(chat(body), "we\"ird\\id\n\u00e9"));
    }

    @Test
    void modelFirstOrLastOrEmptyBodyAroundItWorks() {
        assertEquals("{\"model\":\"m2\",\"messages\":[]}", forwarded(chat("{\"model\":\"m\",\"messages\":[]}"), "m2"));
        assertEquals("{\"messages\":[],\"model\":\"longer-model-id\"}",
                forwarded(chat("{\"messages\":[],\"model\":\"x\"}"), "longer-model-id"));
    }

    @Test
    void sameModelReturnsTheCallersBytes() {
        byte[] body = "{ \"model\" : \"same\" , \"messages\" : [] }".getBytes(StandardCharsets.UTF_8);
        LlmRequest request = LlmRequest.parse(Endpoint.CHAT_COMPLETIONS, body);
        assertArrayEquals(body, request.bodyWithModel("same").getBytes());
        assertArrayEquals(body, request.body());
    }

    @Test
    void embeddingsBodyIsForwardedTheSameWay() {
        LlmRequest request = LlmRequest.parse(Endpoint.EMBEDDINGS,
                "{\"input\":[\"a\",\"b\"],\"model\":\"fake/text-embedding-3-small\",\"dimensions\":8}"
                        .getBytes(StandardCharsets.UTF_8));
        assertSame(Endpoint.EMBEDDINGS, request.endpoint());
        assertEquals("{\"input\":[\"a\",\"b\"],\"model\":\"text-embedding-3-small\",\"dimensions\":8}",
                forwarded(request, "text-embedding-3-small"));
    }

    // ---------------------------------------------------------------- 400s

    @Test
    void invalidJsonIsRefused() {
        for (String json : new String[] {"", "   ", "nope", "{\"model\":", "{\"model\":\"m\",\"messages\":[}",
                "{\"model\":\"m\" \"messages\":[]}", "{model:\"m\"}"}) {
            assertRefused(Endpoint.CHAT_COMPLETIONS, json, "invalid_json", null, null);
        }
    }

    @Test
    void bodyThatIsNotAnObjectIsRefused() {
        for (String json : new String[] {"[]", "\"model\"", "42", "null"}) {
            assertRefused(Endpoint.CHAT_COMPLETIONS, json, "invalid_json", null,
                    "We could not parse the JSON body of your request: the body must be a JSON object");
        }
    }

    @Test
    void contentAfterTheObjectIsRefused() {
        assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[]}{}", "invalid_json", null,
                "We could not parse the JSON body of your request: unexpected content after the JSON object");
        assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[]} 1", "invalid_json", null, null);
    }

    @Test
    void invalidJsonMessageSaysWhereButNotTheParsersInternals() {
        GatewayError e = refusal(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[}");
        assertTrue(e.getMessage().startsWith("We could not parse the JSON body of your request: "), e.getMessage());
        assertTrue(e.getMessage().contains("(at byte "), e.getMessage());
        assertFalse(e.getMessage().contains("Source:"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingOrEmptyModelIsRefused() {
        assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"messages\":[]}", "invalid_request", "model",
                "you must provide a model parameter.");
        assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"\",\"messages\":[]}", "invalid_request", "model",
                "you must provide a model parameter.");
        assertRefused(Endpoint.EMBEDDINGS, "{\"input\":\"x\"}", "invalid_request", "model",
                "you must provide a model parameter.");
    }

    @Test
    void modelThatIsNotAStringIsRefused() {
        for (String value : new String[] {"42", "null", "[\"m\"]", "{\"id\":\"m\"}", "true"}) {
            assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":" + value + ",\"messages\":[]}", "invalid_request",
                    "model", "'model' must be a string.");
        }
    }

    @Test
    void streamThatIsNotABooleanIsRefused() {
        for (String value : new String[] {"\"true\"", "1", "{}"}) {
            assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[],\"stream\":" + value + "}",
                    "invalid_request", "stream", "'stream' must be a boolean.");
        }
    }

    @Test
    void messagesMustBeAnArray() {
        for (String value : new String[] {"\"hi\"", "{}", "null", "1"}) {
            assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":" + value + "}",
                    "invalid_request", "messages", "'messages' must be an array.");
        }
        assertRefused(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\"}", "invalid_request", "messages",
                "'messages' is a required property.");
    }

    @Test
    void embeddingsNeedAnInput() {
        assertRefused(Endpoint.EMBEDDINGS, "{\"model\":\"m\"}", "invalid_request", "input",
                "'input' is a required property.");
        assertRefused(Endpoint.EMBEDDINGS, "{\"model\":\"m\",\"input\":null}", "invalid_request", "input",
                "'input' is a required property.");
        // messages are not required for embeddings
        assertEquals("m", LlmRequest.parse(Endpoint.EMBEDDINGS,
                "{\"model\":\"m\",\"input\":[1,2,3]}".getBytes(StandardCharsets.UTF_8)).model());
    }
}
