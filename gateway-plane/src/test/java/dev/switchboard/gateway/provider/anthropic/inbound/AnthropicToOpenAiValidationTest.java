package dev.switchboard.gateway.provider.anthropic.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request the translation refuses: a 400 {@code invalid_request_error} in Anthropic's shape, the message naming
 * the field by its path. Bodies are written with single quotes for readability.
 */
class AnthropicToOpenAiValidationTest {

    private static final String USER_HI = "{'role':'user','content':'hi'}";

    private static String body(String fields) {
        return "{'model':'claude-sonnet-4-5','max_tokens':10," + fields + "}";
    }

    private static String messages(String... messages) {
        return body("'messages':[" + String.join(",", messages) + "]");
    }

    private static String userBlocks(String blocks) {
        return messages("{'role':'user','content':[" + blocks + "]}");
    }

    private static String assistantBlocks(String blocks) {
        return messages(USER_HI, "{'role':'assistant','content':[" + blocks + "]}", USER_HI);
    }

    private static String toolResult(String result) {
        return messages(USER_HI, "{'role':'assistant','content':[{'type':'tool_use','id':'t1','name':'f','input':{}}]}",
                "{'role':'user','content':[" + result + "]}");
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                // the body
                Arguments.of("[1,2]", "The request body must be a JSON object."),
                Arguments.of("", "The request body must be a JSON object."),
                // messages
                Arguments.of(body("'stream':true"), "messages: Field required"),
                Arguments.of(body("'messages':{'role':'user'}"), "messages: Input should be a valid list"),
                Arguments.of(body("'messages':[]"), "messages: At least one message is required"),
                Arguments.of(messages("'hello'"), "messages.0: Input should be a valid object"),
                Arguments.of(messages("{'content':'x'}"), "messages.0.role: Input should be 'user', 'assistant' or 'system'"),
                Arguments.of(messages(USER_HI, "{'role':'system','content':[{'type':'image','source':{}}]}"),
                        "messages.1.content.0.type: System blocks must be text blocks"),
                Arguments.of(messages(USER_HI, "{'role':'system','content':7}"),
                        "messages.1.content: Input should be a string or a list of text blocks"),
                Arguments.of(body("'output_config':'high','messages':[" + USER_HI + "]"),
                        "output_config: Input should be a valid dictionary"),
                Arguments.of(body("'output_config':{'effort':3},'messages':[" + USER_HI + "]"),
                        "output_config.effort: Input should be a valid string"),
                Arguments.of(messages("{'role':'user'}"), "messages.0.content: Field required"),
                Arguments.of(messages("{'role':'user','content':42}"),
                        "messages.0.content: Input should be a string or a list of content blocks"),
                Arguments.of(messages("{'role':'user','content':[]}"),
                        "messages.0: All messages must have non-empty content except for the optional final assistant message"),
                Arguments.of(messages(USER_HI, "{'role':'assistant','content':[]}", USER_HI),
                        "messages.1: All messages must have non-empty content except for the optional final assistant message"),
                // blocks
                Arguments.of(userBlocks("{'type':'text'}"), "messages.0.content.0.text: Field required"),
                Arguments.of(userBlocks("{'type':'text','text':7}"), "messages.0.content.0.text: Input should be a valid string"),
                Arguments.of(userBlocks("'just text'"),
                        "messages.0.content.0: Input should be a valid dictionary"),
                Arguments.of(userBlocks("{'type':'tool_use','id':'t','name':'f','input':{}}"),
                        "messages.0.content.0.type: 'tool_use' blocks are only allowed in assistant messages"),
                Arguments.of(userBlocks("{'type':'thinking','thinking':'hm','signature':'s'}"),
                        "messages.0.content.0.type: 'thinking' blocks are only allowed in assistant messages"),
                Arguments.of(assistantBlocks("{'type':'image','source':{'type':'url','url':'u'}}"),
                        "messages.1.content.0.type: 'image' blocks are only allowed in user messages"),
                Arguments.of(assistantBlocks("{'type':'tool_result','tool_use_id':'t'}"),
                        "messages.1.content.0.type: 'tool_result' blocks are only allowed in user messages"),
                // tool_use
                Arguments.of(assistantBlocks("{'type':'tool_use','name':'f','input':{}}"), "messages.1.content.0.id: Field required"),
                Arguments.of(assistantBlocks("{'type':'tool_use','id':'t','input':{}}"), "messages.1.content.0.name: Field required"),
                Arguments.of(assistantBlocks("{'type':'tool_use','id':'t','name':3,'input':{}}"),
                        "messages.1.content.0.name: Input should be a valid string"),
                Arguments.of(assistantBlocks("{'type':'tool_use','id':'t','name':'f','input':'{}'}"),
                        "messages.1.content.0.input: Input should be a valid dictionary"),
                // tool_result
                Arguments.of(toolResult("{'type':'tool_result','content':'x'}"), "messages.2.content.0.tool_use_id: Field required"),
                Arguments.of(toolResult("{'type':'tool_result','tool_use_id':'t1','content':5}"),
                        "messages.2.content.0.content: Input should be a string or a list of content blocks"),
                Arguments.of(toolResult("{'type':'tool_result','tool_use_id':'t1','content':[{'type':'text'}]}"),
                        "messages.2.content.0.content.0.text: Field required"),
                Arguments.of(toolResult("{'type':'tool_result','tool_use_id':'t1','content':[{'type':'image','source':{'type':'file','file_id':'f'}}]}"),
                        "messages.2.content.0.content.0.source.type: Image source type 'file' is not supported for this model; use 'base64' or 'url'"),
                // images
                Arguments.of(userBlocks("{'type':'image'}"), "messages.0.content.0.source: Field required"),
                Arguments.of(userBlocks("{'type':'image','source':{'type':'file','file_id':'file_01'}}"),
                        "messages.0.content.0.source.type: Image source type 'file' is not supported for this model; use 'base64' or 'url'"),
                Arguments.of(userBlocks("{'type':'image','source':{'type':'base64','data':'AAA'}}"),
                        "messages.0.content.0.source.media_type: Field required"),
                Arguments.of(userBlocks("{'type':'image','source':{'type':'base64','media_type':'image/png'}}"),
                        "messages.0.content.0.source.data: Field required"),
                Arguments.of(userBlocks("{'type':'image','source':{'type':'url'}}"), "messages.0.content.0.source.url: Field required"),
                // documents
                Arguments.of(userBlocks("{'type':'document'}"), "messages.0.content.0.source: Field required"),
                Arguments.of(userBlocks("{'type':'document','source':{'type':'url','url':'u'}}"),
                        "messages.0.content.0.source.type: Document source type 'url' is not supported for this model; use 'base64' or 'text'"),
                Arguments.of(userBlocks("{'type':'document','source':{'type':'base64','media_type':'application/pdf'}}"),
                        "messages.0.content.0.source.data: Field required"),
                Arguments.of(userBlocks("{'type':'document','source':{'type':'text','media_type':'text/plain'}}"),
                        "messages.0.content.0.source.data: Field required"),
                // system
                Arguments.of(body("'system':5,'messages':[" + USER_HI + "]"), "system: Input should be a string or a list of text blocks"),
                Arguments.of(body("'system':[{'type':'image','source':{}}],'messages':[" + USER_HI + "]"),
                        "system.0.type: System blocks must be text blocks"),
                Arguments.of(body("'system':[{'type':'text'}],'messages':[" + USER_HI + "]"), "system.0.text: Field required"),
                // sampling and limits
                Arguments.of("{'model':'m','messages':[" + USER_HI + "]}", "max_tokens: Field required"),
                Arguments.of("{'model':'m','max_tokens':'100','messages':[" + USER_HI + "]}", "max_tokens: Input should be a valid integer"),
                Arguments.of("{'model':'m','max_tokens':1.5,'messages':[" + USER_HI + "]}", "max_tokens: Input should be a valid integer"),
                Arguments.of("{'model':'m','max_tokens':99999999999,'messages':[" + USER_HI + "]}", "max_tokens: Input should be a valid integer"),
                Arguments.of("{'model':'m','max_tokens':0,'messages':[" + USER_HI + "]}", "max_tokens: Input should be greater than or equal to 1"),
                Arguments.of(body("'temperature':'hot','messages':[" + USER_HI + "]"), "temperature: Input should be a valid number"),
                Arguments.of(body("'top_p':true,'messages':[" + USER_HI + "]"), "top_p: Input should be a valid number"),
                Arguments.of(body("'stop_sequences':'END','messages':[" + USER_HI + "]"), "stop_sequences: Input should be a valid list"),
                Arguments.of(body("'stop_sequences':['a',1],'messages':[" + USER_HI + "]"), "stop_sequences.1: Input should be a valid string"),
                Arguments.of(body("'stream':'yes','messages':[" + USER_HI + "]"), "stream: Input should be a valid boolean"),
                Arguments.of(body("'metadata':'u1','messages':[" + USER_HI + "]"), "metadata: Input should be a valid object"),
                Arguments.of(body("'metadata':{'user_id':7},'messages':[" + USER_HI + "]"), "metadata.user_id: Input should be a valid string"),
                // tools
                Arguments.of(body("'tools':{},'messages':[" + USER_HI + "]"), "tools: Input should be a valid list"),
                Arguments.of(body("'tools':['f'],'messages':[" + USER_HI + "]"), "tools.0: Input should be a valid object"),
                Arguments.of(body("'tools':[{'input_schema':{'type':'object'}}],'messages':[" + USER_HI + "]"), "tools.0.name: Field required"),
                Arguments.of(body("'tools':[{'name':'f'}],'messages':[" + USER_HI + "]"), "tools.0.input_schema: Field required"),
                Arguments.of(body("'tools':[{'name':'f','input_schema':'object'}],'messages':[" + USER_HI + "]"),
                        "tools.0.input_schema: Input should be a valid dictionary"),
                Arguments.of(body("'tools':[{'name':'f','description':['d'],'input_schema':{}}],'messages':[" + USER_HI + "]"),
                        "tools.0.description: Input should be a valid string"),
                Arguments.of(body("'tool_choice':'auto','messages':[" + USER_HI + "]"), "tool_choice: Input should be a valid object"),
                Arguments.of(body("'tool_choice':{'type':'required'},'messages':[" + USER_HI + "]"),
                        "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"),
                Arguments.of(body("'tool_choice':{'type':'tool'},'messages':[" + USER_HI + "]"), "tool_choice.name: Field required"));
    }

    @ParameterizedTest
    @MethodSource("invalidRequests")
    void invalidRequestIsA400NamingTheField(String body, String message) {
        AnthropicInboundError e = assertThrows(AnthropicInboundError.class, () -> translate(body));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals(message, e.getMessage());
    }

    @Test
    void malformedJsonIsA400InAnthropicsShape() {
        AnthropicInboundError e = assertThrows(AnthropicInboundError.class,
                () -> AnthropicToOpenAi.request("{\"model\":".getBytes(StandardCharsets.UTF_8), "gpt-4.1"));
        assertEquals(400, e.status());
        JsonNode json = AnthropicInboundGoldenTest.readTree(e.toJson().toString());
        assertEquals("error", json.path("type").asText());
        assertEquals("invalid_request_error", json.path("error").path("type").asText());
        assertEquals(2, json.size());
        assertEquals(2, json.path("error").size());
        assertEquals(true, json.path("error").path("message").asText().startsWith("The request body is not valid JSON: "));
    }

    @Test
    void emptyFinalAssistantMessageIsAllowedAndLeftOut() {
        JsonNode out = translate(messages(USER_HI, "{'role':'assistant','content':[]}"));
        assertEquals(1, out.path("messages").size());
    }

    @Test
    void thinkingOnlyAssistantTurnIsLeftOut() {
        JsonNode out = translate(assistantBlocks("{'type':'redacted_thinking','data':'abc'}"));
        assertEquals(2, out.path("messages").size());
        assertEquals("user", out.path("messages").get(1).path("role").asText());
    }

    @Test
    void toolChoiceWithoutToolsIsLeftOut() {
        JsonNode out = translate(body("'tool_choice':{'type':'any','disable_parallel_tool_use':true},'messages':[" + USER_HI + "]"));
        assertFalse(out.has("tool_choice"));
        assertFalse(out.has("parallel_tool_calls"));
        assertFalse(out.has("tools"));
    }

    @Test
    void anyBecomesRequiredAndNoneKeepsParallelCallsUnset() {
        String tools = "'tools':[{'name':'f','input_schema':{'type':'object'}}],";
        JsonNode any = translate(body(tools + "'tool_choice':{'type':'any'},'messages':[" + USER_HI + "]"));
        assertEquals("required", any.path("tool_choice").asText());
        assertFalse(any.has("parallel_tool_calls"));
        JsonNode none = translate(body(tools + "'tool_choice':{'type':'none','disable_parallel_tool_use':true},'messages':[" + USER_HI + "]"));
        assertEquals("none", none.path("tool_choice").asText());
        assertFalse(none.has("parallel_tool_calls"));
    }

    @Test
    void textBeforeToolResultsStillLeavesTheToolMessagesFirst() {
        JsonNode out = translate(toolResult("{'type':'text','text':'here:'},{'type':'tool_result','tool_use_id':'t1','is_error':true}"));
        JsonNode tool = out.path("messages").get(2);
        assertEquals("tool", tool.path("role").asText());
        assertEquals("Error", tool.path("content").asText());
        assertEquals("here:", out.path("messages").get(3).path("content").asText());
    }

    private static JsonNode translate(String singleQuoted) {
        return AnthropicToOpenAi.request(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8), "gpt-4.1");
    }
}
