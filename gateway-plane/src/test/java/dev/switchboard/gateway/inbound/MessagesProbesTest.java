package dev.switchboard.gateway.inbound;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static dev.switchboard.gateway.support.GatewayTestResource.BOB_KEY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The calls Claude Code makes besides {@code POST /v1/messages}: its connection probe and token counting. */
@QuarkusTest
class MessagesProbesTest {

    private static final String COUNT_BODY = "{\"model\":\"fake/gpt-4o-mini\",\"system\":\"Be brief.\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"How many tokens is this?\"}],\"tools\":[{\"name\":\"Read\","
            + "\"input_schema\":{\"type\":\"object\"}}],\"thinking\":{\"type\":\"adaptive\"}}";

    private FakeOpenAi openAi;

    @BeforeEach
    void setUp() {
        openAi = GatewayTestResource.openAi;
        openAi.reset();
    }

    @Test
    void headOfTheRootAnswers200() {
        given().when().head("/").then().statusCode(200);
    }

    @Test
    void getOfTheRootAnswersJsonNotA404() {
        given().when().get("/").then().statusCode(200).contentType(startsWith("application/json"))
                .body("service", equalTo("switchboard-gateway"));
    }

    @Test
    void countTokensForAnOpenAiCompatibleModelIsAnEstimateWithoutAnUpstreamCall() {
        given().header("x-api-key", ALICE_KEY).header("anthropic-beta", "token-counting-2024-11-01")
                .contentType("application/json").body(COUNT_BODY)
                .when().post("/v1/messages/count_tokens?beta=true")
                .then().statusCode(200).header("x-tfy-token-count", "estimate")
                .header("x-tfy-resolved-model", "fake/gpt-4o-mini")
                .body("input_tokens", greaterThan(10));
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void countTokensNeedsTheKeyAndAnswersInAnthropicsShape() {
        given().contentType("application/json").body(COUNT_BODY)
                .when().post("/v1/messages/count_tokens")
                .then().statusCode(401).body("type", equalTo("error"))
                .body("error.type", equalTo("authentication_error"));
    }

    @Test
    void countTokensKeepsTheAccessRules() {
        given().header("authorization", "Bearer " + BOB_KEY).contentType("application/json")
                .body(COUNT_BODY.replace("fake/gpt-4o-mini", "fake/gpt-4o"))
                .when().post("/v1/messages/count_tokens")
                .then().statusCode(403).body("error.type", equalTo("permission_error"));
    }

    @Test
    void countTokensWithoutMessagesIsA400NamingTheField() {
        given().header("x-api-key", ALICE_KEY).contentType("application/json").body("{\"model\":\"fake/gpt-4o-mini\"}")
                .when().post("/v1/messages/count_tokens")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("'messages'"));
    }

    @Test
    void messagesWithTheBetaQueryParameterIsServed() {
        given().header("x-api-key", ALICE_KEY).header("anthropic-beta", "claude-code-20250219,mid-conversation-system-2026-04-07")
                .contentType("application/json")
                .body("{\"model\":\"fake/gpt-4o-mini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"system\",\"content\":\"answer briefly\"}],\"context_management\":{\"edits\":[]}}")
                .when().post("/v1/messages?beta=true")
                .then().statusCode(200).body("content[0].text", equalTo(FakeOpenAi.DEFAULT_CONTENT))
                .body("stop_reason", not(emptyString()));
    }
}
