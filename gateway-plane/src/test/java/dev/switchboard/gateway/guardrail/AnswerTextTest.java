package dev.switchboard.gateway.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.telemetry.PayloadText;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnswerTextTest {

    @Test
    void chatChunksAreJoinedAcrossChunkBoundaries() {
        AnswerText text = new AnswerText(Endpoint.CHAT_COMPLETIONS, 1000);
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"
                + "data: [DONE]\n\n";

        int cut = stream.indexOf("lo\"") - 3; // inside the second event
        text.onChunk(Buffer.buffer(stream.substring(0, cut)));
        text.onChunk(Buffer.buffer(stream.substring(cut)));

        assertEquals("Hello", text.text());
        assertFalse(text.truncated());
    }

    @Test
    void toolCallArgumentsAreAChannelOfTheirOwn() {
        AnswerText text = new AnswerText(Endpoint.CHAT_COMPLETIONS, 1000);

        byte[] body = """
                {"choices":[{"index":0,"message":{"content":"Calling.","tool_calls":[{"type":"function",
                "function":{"name":"send","arguments":"{\\"to\\":\\"x\\"}"}}]}}]}""".getBytes(StandardCharsets.UTF_8);
        text.onBody(body, 0, body.length);

        assertEquals("Calling.\n{\"to\":\"x\"}", text.text());
    }

    @Test
    void legacyCompletionTextIsTheAnswerWholeAndStreamed() {
        AnswerText whole = new AnswerText(Endpoint.COMPLETIONS, 1000);
        byte[] body = "{\"choices\":[{\"text\":\"Hi there\",\"index\":0,\"finish_reason\":\"stop\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        whole.onBody(body, 0, body.length);
        assertEquals("Hi there", whole.text());

        AnswerText streamed = new AnswerText(Endpoint.COMPLETIONS, 1000);
        streamed.onChunk(Buffer.buffer("data: {\"choices\":[{\"text\":\"Hi\",\"index\":0}]}\n\n"
                + "data: {\"choices\":[{\"text\":\" there\",\"index\":0}]}\n\ndata: [DONE]\n\n"));
        assertEquals("Hi there", streamed.text());
    }

    @Test
    void anthropicTextDeltasAreTheCompletion() {
        AnswerText text = new AnswerText(Endpoint.MESSAGES, 1000);

        text.onChunk(Buffer.buffer("""
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi "}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"there"}}

                """));

        assertEquals("Hi there", text.text());
    }

    @Test
    void responsesEventsThatRepeatTheTextAreNotCountedTwice() {
        AnswerText text = new AnswerText(Endpoint.RESPONSES, 1000);

        text.onChunk(Buffer.buffer("""
                event: response.output_text.delta
                data: {"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"Bon"}

                event: response.output_text.delta
                data: {"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"jour"}

                event: response.output_text.done
                data: {"type":"response.output_text.done","output_index":0,"content_index":0,"text":"Bonjour"}

                """));

        assertEquals("Bonjour", text.text());
    }

    @Test
    void theTextStopsAtTheCapOnACharacterBoundary() {
        AnswerText text = new AnswerText(Endpoint.CHAT_COMPLETIONS, 5);

        text.onChunk(Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abcd\"}}]}\n\n"));
        text.onChunk(Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"é and more\"}}]}\n\n"));
        text.onChunk(Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"));

        assertEquals("abcd", text.text(), "é is two bytes: it does not fit in the fifth");
        assertTrue(text.truncated());
    }

    @Test
    void aBodyThatIsNotJsonHasNoText() {
        AnswerText text = new AnswerText(Endpoint.CHAT_COMPLETIONS, 100);
        byte[] body = "<html>".getBytes(StandardCharsets.UTF_8);

        text.onBody(body, 0, body.length);

        assertEquals("", text.text());
    }

    @Test
    void theHeadOfABodyNeverSplitsACharacter() {
        byte[] body = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes

        assertEquals("a", PayloadText.head(body, 2));
        assertEquals("aé", PayloadText.head(body, 3));
        assertEquals("aé", PayloadText.head(body, 5));
        assertEquals("aé€", PayloadText.head(body, 9));
        assertEquals("aé€😀", PayloadText.head(body, 10));
    }

    @Test
    void aSurrogatePairCountsAsFourBytes() {
        PayloadText text = new PayloadText(5);

        assertTrue(text.append("a😀"));
        assertFalse(text.append("b"));

        assertEquals("a😀", text.toString());
        assertEquals(5, text.bytes());
        assertTrue(text.truncated());
    }
}
