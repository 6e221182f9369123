package dev.switchboard.gateway.provider.anthropic.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Claude Code sends beyond the Anthropic SDKs, translated for an OpenAI-compatible target. The whole first request
 * of Claude Code 2.1.197 (captured from the real CLI, ids blanked) is a golden pair in {@link AnthropicInboundGoldenTest};
 * these are the rules behind it, one at a time.
 */
class ClaudeCodeRequestTest {

    private static final String USER_HI = "{'role':'user','content':'hi'}";

    private static JsonNode translate(String model, String fields) {
        String body = ("{'model':'claude-sonnet-4-5','max_tokens':10," + fields + "}").replace('\'', '"');
        return AnthropicToOpenAi.request(body.getBytes(StandardCharsets.UTF_8), model);
    }

    private static List<String> roles(JsonNode out) {
        List<String> roles = new ArrayList<>();
        out.path("messages").forEach(m -> roles.add(m.path("role").asText()));
        return roles;
    }

    @Test
    void midConversationSystemMessageKeepsItsPlace() {
        JsonNode out = translate("gpt-4.1", "'system':'first','messages':[" + USER_HI
                + ",{'role':'assistant','content':'hello'},{'role':'system','content':[{'type':'text','text':'a',"
                + "'cache_control':{'type':'ephemeral'}},{'type':'text','text':'b'}]}," + USER_HI + "]");

        assertEquals(List.of("system", "user", "assistant", "system", "user"), roles(out));
        assertEquals("a\n\nb", out.path("messages").get(3).path("content").asText());
    }

    @Test
    void billingHeaderBlockIsNotSentToTheTarget() {
        JsonNode out = translate("gpt-4.1", "'system':[{'type':'text','text':'x-anthropic-billing-header: cc_version=2.1.197.1;'},"
                + "{'type':'text','text':'You are Claude Code.'}],'messages':[" + USER_HI + "]");

        assertEquals("You are Claude Code.", out.path("messages").get(0).path("content").asText());
    }

    @ParameterizedTest
    @CsvSource({"gpt-5,high,high", "gpt-5-mini,low,low", "o3,medium,medium", "o4-mini,max,high", "openai/gpt-oss-120b,high,high",
            "gpt-5.1-codex,xhigh,high"})
    void effortBecomesReasoningEffortForReasoningModels(String model, String effort, String expected) {
        JsonNode out = translate(model, "'output_config':{'effort':'" + effort + "'},'messages':[" + USER_HI + "]");

        assertEquals(expected, out.path("reasoning_effort").asText());
    }

    @ParameterizedTest
    @CsvSource({"gpt-4o", "gpt-4.1-mini", "llama-3.1-8b-instruct", "omni-model", "claude-sonnet-4-5"})
    void effortIsDroppedForModelsWithoutReasoningEffort(String model) {
        JsonNode out = translate(model, "'output_config':{'effort':'high'},'messages':[" + USER_HI + "]");

        assertFalse(out.has("reasoning_effort"), out.toString());
    }

    @Test
    void thinkingContextManagementAndCacheControlAreDroppedWithoutAnError() {
        JsonNode out = translate("gpt-4.1", "'thinking':{'type':'adaptive'},'context_management':{'edits':[{'type':"
                + "'clear_thinking_20251015','keep':'all'}]},'messages':[{'role':'user','content':[{'type':'text','text':'hi',"
                + "'cache_control':{'type':'ephemeral','ttl':'1h'}}]},{'role':'assistant','content':[{'type':'thinking',"
                + "'thinking':'hm','signature':'s'},{'type':'text','text':'yes'}]}," + USER_HI + "]");

        assertEquals(List.of("model", "messages", "max_tokens"), fieldNames(out));
        assertEquals("hi", out.path("messages").get(0).path("content").asText());
        assertEquals("yes", out.path("messages").get(1).path("content").asText());
    }

    @Test
    void unknownFieldsAndBlockTypesOfANewerClientAreIgnored() {
        JsonNode out = translate("gpt-4.1", "'speed':'fast','mcp_servers':[],'messages':[{'role':'user','content':[{'type':"
                + "'search_result','source':'s','title':'t','content':[]},{'type':'text','text':'hi'}]},{'role':'assistant',"
                + "'content':[{'type':'server_tool_use','id':'s','name':'web_search','input':{}},{'type':'text','text':'ok'}]},"
                + USER_HI + "]");

        assertEquals(List.of("user", "assistant", "user"), roles(out));
        assertEquals("hi", out.path("messages").get(0).path("content").asText());
        assertFalse(out.has("speed"));
    }

    @Test
    void serverToolsAreLeftOutAndCustomToolsKept() {
        JsonNode out = translate("gpt-4.1", "'tools':[{'type':'web_search_20250305','name':'web_search','max_uses':5},"
                + "{'name':'Read','input_schema':{'type':'object'},'cache_control':{'type':'ephemeral'}}],'messages':["
                + USER_HI + "]");

        assertEquals(1, out.path("tools").size());
        assertEquals("Read", out.path("tools").get(0).path("function").path("name").asText());
        assertFalse(out.path("tools").get(0).path("function").has("cache_control"));
    }

    @Test
    void textDocumentInAToolResultBecomesItsText() {
        JsonNode out = translate("gpt-4.1", "'messages':[" + USER_HI + ",{'role':'assistant','content':[{'type':'tool_use',"
                + "'id':'t1','name':'Read','input':{}}]},{'role':'user','content':[{'type':'tool_result','tool_use_id':'t1',"
                + "'content':[{'type':'document','source':{'type':'text','media_type':'text/plain','data':'file body'}}]}]}]");

        assertEquals("file body", out.path("messages").get(2).path("content").asText());
    }

    @Test
    void capturedClaudeCodeRequestKeepsEveryToolAndItsSessionAsUser() throws IOException {
        JsonNode out = AnthropicToOpenAi.request(
                AnthropicInboundGoldenTest.golden("claude-code-2.1.197.anthropic-request.json"), "gpt-5");

        assertEquals(24, out.path("tools").size());
        assertEquals("high", out.path("reasoning_effort").asText());
        assertTrue(out.path("user").asText().contains("\"session_id\""));
        assertEquals(List.of("system", "user", "system"), roles(out));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
