package dev.switchboard.gateway.provider.anthropic.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

    private static int estimate(String singleQuoted) {
        return TokenEstimate.inputTokens(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fourCharactersATokenPlusAFewPerMessage() {
        // 16 characters of text: 4 tokens, and 4 for the one message
        assertEquals(8, estimate("{'model':'m','messages':[{'role':'user','content':'abcdabcdabcdabcd'}]}"));
    }

    @Test
    void systemToolsToolCallsAndResultsCount() {
        int bare = estimate("{'model':'m','messages':[{'role':'user','content':'hi'}]}");
        int full = estimate("{'model':'m','system':[{'type':'text','text':'" + "x".repeat(400) + "'}],"
                + "'tools':[{'name':'Read','input_schema':{'type':'object'}}],'messages':[{'role':'user','content':'hi'},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'Read','input':{'file':'a'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':'" + "y".repeat(400) + "'}]}]}");
        assertTrue(full > bare + 200 + 8, full + " vs " + bare);
    }

    @Test
    void imagesCountAtAFlatRate() {
        int withImage = estimate("{'model':'m','messages':[{'role':'user','content':[{'type':'image','source':{'type':"
                + "'base64','media_type':'image/png','data':'" + "A".repeat(10_000) + "'}}]}]}");
        assertEquals(TokenEstimate.MEDIA_TOKENS + TokenEstimate.MESSAGE_TOKENS, withImage);
    }

    @Test
    void claudeCodesFirstRequestIsTensOfThousandsOfTokens() throws IOException {
        int tokens = TokenEstimate.inputTokens(AnthropicInboundGoldenTest.golden("claude-code-2.1.197.anthropic-request.json"));
        assertTrue(tokens > 10_000 && tokens < 30_000, String.valueOf(tokens));
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() {
        AnthropicInboundError e = assertThrows(AnthropicInboundError.class, () -> estimate("[1]"));
        assertEquals(400, e.status());
    }
}
