package dev.switchboard.gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Token counts are read from a JSON answer's usage, or from the last chunk of a stream that has one. */
class UsageTest {

    private static Usage json(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Usage.ofJson(bytes, 0, bytes.length);
    }

    private static Usage sse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Usage.ofSseTail(bytes, bytes.length);
    }

    // ---------------------------------------------------------------- ofJson

    @Test
    void readsTheTopLevelUsageOfACompletion() {
        Usage usage = json("{\"id\":\"c\",\"choices\":[{\"message\":{\"usage\":{\"prompt_tokens\":99}}}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");
        assertEquals(new Usage(12, 34, "c", null, null), usage);
        assertTrue(usage.known());
    }

    @Test
    void readsTheAnswersIdModelAndFirstFinishReason() {
        Usage usage = json("{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-2024\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"content\":\"x\"},\"finish_reason\":\"stop\"},{\"index\":1,\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}");
        assertEquals(new Usage(1, 2, "chatcmpl-1", "gpt-4o-2024", "stop"), usage);
    }

    @Test
    void anAnthropicStopReasonIsTheFinishReason() {
        Usage usage = json("{\"id\":\"msg_1\",\"model\":\"claude\",\"stop_reason\":\"max_tokens\","
                + "\"usage\":{\"input_tokens\":4,\"output_tokens\":5}}");
        assertEquals(new Usage(4, 5, "msg_1", "claude", "max_tokens"), usage);
    }

    @Test
    void readsAnthropicStyleNames() {
        assertEquals(new Usage(7, 9), json("{\"usage\":{\"input_tokens\":7,\"output_tokens\":9}}"));
    }

    @Test
    void embeddingUsageHasNoCompletionTokens() {
        assertEquals(new Usage(5, 0, null, null, null, -1, 0),
                json("{\"object\":\"list\",\"data\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}"));
    }

    @Test
    void anImageAnswerCountsItsDataItemsWithOrWithoutTokens() {
        Usage dallE = json("{\"created\":1,\"data\":[{\"url\":\"https://x/1.png\",\"revised_prompt\":\"a [fox]\"},"
                + "{\"url\":\"https://x/2.png\"},{\"b64_json\":\"iVBO{]\"}]}");
        assertEquals(new Usage(-1, -1, null, null, null, -1, 3), dallE);
        assertFalse(dallE.known(), "no tokens");
        Usage gptImage = json("{\"data\":[{\"b64_json\":\"iVBO\"},{\"b64_json\":\"iVBO\"}],"
                + "\"usage\":{\"input_tokens\":50,\"output_tokens\":4160}}");
        assertEquals(new Usage(50, 4160, null, null, null, -1, 2), gptImage);
        assertEquals(-1, json("{\"usage\":{\"prompt_tokens\":1}}").dataItems());
    }

    @Test
    void aRerankAnswerCountsItsTotalTokensAsInputUnlessPromptTokensAreGiven() {
        assertEquals(new Usage(42, 0, "rerank-1", null, null), json("{\"id\":\"rerank-1\",\"results\":[],\"usage\":{\"total_tokens\":42}}"));
        assertEquals(new Usage(5, 3), json("{\"usage\":{\"total_tokens\":8,\"prompt_tokens\":5,\"completion_tokens\":3}}"));
    }

    @Test
    void aWhisperTranscriptReportsItsBilledSecondsOfAudioAndNoTokens() {
        Usage usage = json("{\"text\":\"Hi\",\"usage\":{\"type\":\"duration\",\"seconds\":9}}");
        assertEquals(new Usage(-1, -1, null, null, null, 9, -1), usage);
        assertFalse(usage.known(), "no tokens: nothing to price in tokens");
    }

    @Test
    void verboseJsonsDurationCountsWhenNoUsageSaysTheBilledSeconds() {
        assertEquals(8.47, json("{\"task\":\"transcribe\",\"duration\":8.47,\"text\":\"Hi\",\"segments\":[]}")
                .audioSeconds());
        assertEquals(9, json("{\"duration\":8.47,\"text\":\"Hi\",\"usage\":{\"type\":\"duration\",\"seconds\":9}}")
                .audioSeconds());
    }

    @Test
    void aGpt4oTranscriptReportsTokensAndNoSeconds() {
        assertEquals(new Usage(120, 30), json("{\"text\":\"Hi\",\"usage\":{\"type\":\"tokens\",\"input_tokens\":120,"
                + "\"input_token_details\":{\"text_tokens\":0,\"audio_tokens\":120},\"output_tokens\":30,"
                + "\"total_tokens\":150}}"));
        assertEquals(-1, json("{\"usage\":{\"prompt_tokens\":1}}").audioSeconds());
    }

    @Test
    void readsOnlyTheGivenRangeOfTheBuffer() {
        byte[] bytes = "xxx{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}yyy".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Usage(1, 2), Usage.ofJson(bytes, 3, bytes.length - 6));
    }

    @Test
    void withoutUsageItIsUnknown() {
        for (String text : new String[] {"{\"id\":\"c\"}", "{\"usage\":null}", "{\"usage\":{}}", "[]", "", "not json",
                "{\"usage\":{\"prompt_tokens\":\"12\"}}", "{\"usage\":{\"prompt_tokens\":1,"}) {
            Usage usage = json(text);
            assertFalse(usage.known(), text);
            assertEquals(Usage.UNKNOWN, usage, text);
        }
    }

    // ---------------------------------------------------------------- the scan against the parser

    /** Answers of every shape ofJson reads, and the odd ones: each read by the scan must equal Jackson's reading. */
    private static final String[] ANSWERS = {
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1764000000,\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Sure! \\\"usage\\\": \\u00e9\","
            + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":19,\"total_tokens\":28,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}},"
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\"}",
        "{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"claude\",\"content\":[{\"type\":\"text\",\"text\":\"h\u00e9 \ud83d\ude00\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":4,\"output_tokens\":5}}",
        " \t\r\n{ \"usage\" : { \"prompt_tokens\" : -3 , \"total_tokens\" : 7e0 , \"completion_tokens\" : 0 } } trailing",
        "{\"choices\":[{\"finish_reason\":null},{\"finish_reason\":\"length\"}],\"stop_reason\":\"x\",\"usage\":{\"output_tokens\":1}}",
        "{\"stop_reason\":\"x\",\"choices\":[],\"usage\":{\"output_tokens\":1},\"usage\":{\"input_tokens\":2}}",
        "{\"usage\":{\"total_tokens\":3,\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":2}}",
        "{\"text\":\"Hi\",\"duration\":-0.0,\"usage\":{\"type\":\"duration\",\"seconds\":1.25E+1}}",
        "{\"duration\":123456789012345678901234,\"text\":\"\"}",
        "{\"usage\":{\"prompt_tokens\":123456789012345678901,\"completion_tokens\":1}}",
        "{\"usage\":{\"prompt_tokens\":123456789012345678,\"completion_tokens\":-123456789012345678}}",
        "{\"id\":\"a\\\"b\",\"model\":\"\u00e9\",\"usage\":{\"prompt_tokens\":1}}",
        "{\"u\\u0073age\":{\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":2}}",
        "{\"choices\":[1,{\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1}}",
        "{\"choices\":{\"finish_reason\":\"stop\"},\"usage\":{\"prompt_tokens\":1},\"x\":[true,false,null,[],{}]}",
        "{\"usage\":{\"prompt_tokens\":01}}",
        "{\"usage\":{\"prompt_tokens\":1},\"x\":tru}",
        "{\"usage\":{\"prompt_tokens\":1},\"x\":\"a\tb\"}",
        "{\"usage\":{\"prompt_tokens\":1},\"x\":\"\\x\"}",
        "{\"usage\":{\"prompt_tokens\":1},\"x\":[1,]}",
        "{\"usage\":{\"prompt_tokens\":1},\"x\":1.}",
        "{\"usage\":{\"prompt_tokens\":1}",
        "{\"usage\":{\"prompt_tokens\":1},}",
        "{\"usage\":{\"prompt_tokens\":1} \"x\":1}",
        "{}", "[]", "", "null", "\ufeff{\"usage\":{\"prompt_tokens\":1}}",
        "{\"x\":" + "[".repeat(80) + "]".repeat(80) + ",\"usage\":{\"prompt_tokens\":1}}",
    };

    @Test
    void theScanReadsWhatTheParserReads() {
        for (String text : ANSWERS) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(Usage.parse(bytes, 0, bytes.length), Usage.ofJson(bytes, 0, bytes.length), text);
        }
    }

    @Test
    void theUsualAnswersAreReadByTheScanAlone() {
        for (String text : new String[] {ANSWERS[0], ANSWERS[1], ANSWERS[2], ANSWERS[3],
            "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,-2.5e-3,3]}],\"usage\":{\"prompt_tokens\":5}}"}) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertNotNull(UsageScan.read(bytes, 0, bytes.length), text);
        }
    }

    @Test
    void theScanOfBrokenUtf8ReadsWhatTheParserReads() {
        String[] bad = {"\u0080", "\u00c3(", "\u00e2\u0082", "\u00f8\u0080\u0080\u0080\u0080", "\u00ed\u00a0\u0080", "\u00c0\u0080"};
        for (String b : bad) {
            byte[] bytes = ("{\"x\":\"a" + b + "z\",\"usage\":{\"prompt_tokens\":1}}").getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(Usage.parse(bytes, 0, bytes.length), Usage.ofJson(bytes, 0, bytes.length), b);
        }
    }

    /** Thousands of answers with a byte changed, dropped, doubled or cut off: never a reading the parser would not give. */
    @Test
    void theScanOfDamagedAnswersReadsWhatTheParserReads() {
        Random random = new Random(20261207);
        byte[] alphabet = "{}[]\":,\\ \n0123456789-+.eEtrufalsn\u00e9\"usage\"prompt_tokens".getBytes(StandardCharsets.UTF_8);
        for (String text : ANSWERS) {
            byte[] base = text.getBytes(StandardCharsets.UTF_8);
            for (int n = 0; n < 2000 && base.length > 0; n++) {
                byte[] bytes = damage(base, random, alphabet);
                assertEquals(Usage.parse(bytes, 0, bytes.length), Usage.ofJson(bytes, 0, bytes.length),
                        new String(bytes, StandardCharsets.UTF_8));
            }
        }
    }

    private static byte[] damage(byte[] base, Random random, byte[] alphabet) {
        byte[] b = base.clone();
        for (int edits = 1 + random.nextInt(3); edits > 0 && b.length > 0; edits--) {
            int at = random.nextInt(b.length);
            byte any = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            switch (random.nextInt(4)) {
                case 0 -> b[at] = any;
                case 1 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
                case 2 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = any;
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                default -> b = java.util.Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    // ---------------------------------------------------------------- ofSseTail

    private static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n";

    @Test
    void readsTheUsageOfTheLastChunk() {
        String stream = CHUNK + CHUNK
                + "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":8}}\n\n"
                + "data: [DONE]\n\n";
        assertEquals(new Usage(21, 8, "c", null, null), sse(stream));
    }

    @Test
    void aStreamsFinishReasonComesFromTheEventBeforeItsUsage() {
        String stream = CHUNK
                + "data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                + "data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}\n\n"
                + "data: [DONE]\n\n";
        assertEquals(new Usage(2, 3, "c", "gpt-4o", "length"), sse(stream));
    }

    @Test
    void anAnthropicStreamsStopReasonIsItsFinishReason() {
        String stream = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":9}}\n\n";
        assertEquals("end_turn", sse(stream).finishReason());
    }

    @Test
    void readsUsageWithoutTheDoneMarkerAndWithCrLf() {
        assertEquals(new Usage(3, 4),
                sse(CHUNK + "data:{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\r\n\r\n"));
    }

    @Test
    void theLatestUsageWins() {
        String stream = "data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n"
                + "data: {\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":5}}\n\n"
                + "data: [DONE]\n\n";
        assertEquals(new Usage(2, 5), sse(stream));
    }

    @Test
    void withoutUsageTheStreamIsUnknown() {
        assertEquals(Usage.UNKNOWN, sse(CHUNK + CHUNK + "data: [DONE]\n\n"));
        assertEquals(Usage.UNKNOWN, sse(""));
        assertEquals(Usage.UNKNOWN, sse("data: [DONE]\n\n"));
    }

    @Test
    void tailCutInsideAnEarlierEventStillFindsTheLastUsage() {
        // the tap keeps only the last bytes of a stream; its start may be mid-event
        String stream = "\"content\":\"x\"}}],\"usage\":null}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":7}}\n\ndata: [DONE]\n\n";
        assertEquals(new Usage(6, 7), sse(stream));
    }

    @Test
    void tailLengthLimitsWhatIsRead() {
        byte[] bytes = (CHUNK + "data: {\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":7}}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(Usage.UNKNOWN, Usage.ofSseTail(bytes, CHUNK.length()));
    }

    @Test
    void aTailWithTextInAnyScriptIsReadFromItsBytes() {
        String chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\u00e9llo \u65e5\u672c \ud83d\ude00\"}}]}\n\n";
        String stream = chunk.repeat(40)
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}\n\n"
                + "data: {\"id\":\"\u00e9\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":41}}\n\n"
                + "data: [DONE]\n\n";
        assertEquals(new Usage(5, 41, "\u00e9", null, "content_filter"), sse(stream));
        // the bytes after the given length are not the stream's
        byte[] bytes = (stream + "data: {\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":9}}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(new Usage(5, 41, "\u00e9", null, "content_filter"),
                Usage.ofSseTail(bytes, stream.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void theLastUsageIsFoundWhereverItLiesInTheTail() {
        // the search goes eight bytes at a time: the name at every place within a word, among other g's
        String usage = "data: {\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\n";
        for (int pad = 0; pad < 24; pad++) {
            String stream = "g".repeat(pad) + CHUNK + usage + "data: {\"x\":\"" + "gg".repeat(pad) + "\"}\n\n";
            assertEquals(new Usage(3, 4), sse(stream), "padding " + pad);
            byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
            int cut = stream.lastIndexOf("\"usage\"") + 6; // the tail ends inside the name: not a usage
            assertEquals(Usage.UNKNOWN, Usage.ofSseTail(bytes, cut), "padding " + pad);
        }
    }

    @Test
    void eventsWithANullUsageAfterTheLastKnownOneAreSkipped() {
        String stream = CHUNK + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":6}}\n\n"
                + CHUNK + CHUNK + "data: [DONE]\n\n";
        assertEquals(new Usage(4, 6), sse(stream));
        // "usage" as text inside an event is not a usage either
        assertEquals(Usage.UNKNOWN, sse("data: {\"choices\":[{\"delta\":{\"content\":\"the \\\"usage\\\" word\"}}]}\n\n"));
    }
}
