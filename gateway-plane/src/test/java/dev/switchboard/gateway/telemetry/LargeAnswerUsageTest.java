package dev.switchboard.gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The usage of an answer too large to keep, read as it passes: the same as {@link Usage#ofJson} reads from the whole
 * answer, whichever way the answer is cut into pieces.
 */
class LargeAnswerUsageTest {

    /** Base64-like filler with the characters JSON cares about escaped in it. */
    private static String image(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(i % 997 == 0 ? "\\\"" : i % 991 == 0 ? "\\\\" : "iVBORw0KGgo+/{}[],:".charAt(i % 19));
        }
        return b.toString();
    }

    private static Usage scanned(String json, int piece) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        LargeAnswerUsage scan = new LargeAnswerUsage();
        for (int i = 0; i < bytes.length; i += piece) {
            scan.feed(bytes, i, Math.min(piece, bytes.length - i));
        }
        return scan.usage();
    }

    private static Usage whole(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return Usage.ofJson(bytes, 0, bytes.length);
    }

    @Test
    void aGptImageAnswerGivesItsTokensAndItsImageCountWhateverThePieces() {
        String answer = "{\"created\":1733000000,\"background\":\"opaque\",\"data\":[{\"b64_json\":\"" + image(700_000)
                + "\"},\n {\"b64_json\":\"" + image(650_000) + "\", \"revised_prompt\": \"a fox, [snow]\"}],"
                + "\"usage\":{\"input_tokens\":50,\"output_tokens\":4160,\"total_tokens\":4210,"
                + "\"input_tokens_details\":{\"text_tokens\":50,\"image_tokens\":0}}}";
        Usage expected = new Usage(50, 4160, null, null, null, -1, 2);
        assertEquals(expected, whole(answer));
        for (int piece : new int[] {1, 7, 8192, 65536, Integer.MAX_VALUE}) {
            assertEquals(expected, scanned(answer, piece), "pieces of " + piece);
        }
    }

    @Test
    void aDallEAnswerGivesItsImageCountAlone() {
        String answer = "{\"created\":1,\"data\":[{\"url\":\"https://x/1.png\"},{\"b64_json\":\"" + image(300_000)
                + "\"},{\"b64_json\":\"\"}]}";
        assertEquals(new Usage(-1, -1, null, null, null, -1, 3), scanned(answer, 4096));
        assertEquals(new Usage(-1, -1, null, null, null, -1, 0), scanned("{\"data\": [ ] }", 1));
    }

    @Test
    void aLongVerboseTranscriptGivesItsSecondsAndAnEmbeddingBatchItsTokensIdAndModel() {
        String transcript = "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":3600.5,\"text\":\""
                + image(500_000) + "\",\"segments\":[{\"id\":0,\"text\":\"" + image(300_000) + "\"}]}";
        assertEquals(3600.5, scanned(transcript, 8192).audioSeconds());
        String embeddings = "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,-0.2,3e-5]},{\"embedding\":[1,2]}],"
                + "\"model\":\"text-embedding-3-small\",\"id\":\"emb-1\",\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}";
        assertEquals(new Usage(9, 0, "emb-1", "text-embedding-3-small", null, -1, 2), scanned(embeddings, 3));
    }

    @Test
    void audioOrAnythingElseThatIsNotAJsonObjectHasNoUsage() {
        byte[] mp3 = {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x44, '{', '"', 'u'};
        LargeAnswerUsage scan = new LargeAnswerUsage();
        scan.feed(mp3, 0, mp3.length);
        assertEquals(Usage.UNKNOWN, scan.usage());
        assertEquals(Usage.UNKNOWN, scanned("[{\"usage\":{\"prompt_tokens\":1}}]", 2));
        assertEquals(Usage.UNKNOWN, new LargeAnswerUsage().usage());
    }

    @Test
    void anAnswerCutShortKeepsTheMembersItHadWhole() {
        String cut = "{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4},\"data\":[{\"b64_json\":\"" + image(1000);
        assertEquals(new Usage(3, 4), scanned(cut, 100));
    }
}
