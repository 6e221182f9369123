package dev.switchboard.gateway;

import static dev.switchboard.gateway.support.GatewayTestResource.ALICE_KEY;
import static dev.switchboard.gateway.support.GatewayTestResource.AUDIENCE;
import static dev.switchboard.gateway.support.GatewayTestResource.BOB_KEY;
import static dev.switchboard.gateway.support.GatewayTestResource.DISABLED_KEY;
import static dev.switchboard.gateway.support.GatewayTestResource.EXPIRED_KEY;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.gateway.support.GatewayTestResource;
import dev.switchboard.testsupport.fakes.FakeIdentityProvider;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may call: gateway API keys and IdP tokens, each refusal in the OpenAI shape, and no secret in the log. */
@QuarkusTest
class AuthTest {

    private static final String UNKNOWN_KEY = "sk-sb-test-unknown-00000000000";
    private static final String INVALID_KEY = "invalid_request_error";
    private static final String BAD_KEY_CODE = "invalid_api_key";

    private FakeOpenAi openAi;
    private FakeIdentityProvider idp;
    /** Every bearer credential this class sent; none may appear in the gateway's log. */
    private static final List<String> SENT_SECRETS = new ArrayList<>();

    @BeforeEach
    void resetUpstream() {
        openAi = GatewayTestResource.openAi;
        idp = GatewayTestResource.idp;
        openAi.reset();
    }

    private static String chatBody(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static RequestSpecification as(String bearer) {
        SENT_SECRETS.add(bearer);
        return given().header("Authorization", "Bearer " + bearer).contentType("application/json");
    }

    private static Response chat(RequestSpecification spec, String model) {
        return spec.body(chatBody(model)).post("/v1/chat/completions");
    }

    private void assertUnauthenticated(Response response, String message) {
        Gateway.assertError(response, 401, INVALID_KEY, BAD_KEY_CODE, null, message);
        assertEquals(0, openAi.requestCount(), "a refused caller must not reach the upstream");
    }

    // ---------------------------------------------------------------- API keys

    @Test
    void validApiKeyIsAccepted() {
        chat(as(ALICE_KEY), "fake/gpt-4o-mini").then().statusCode(200);
        chat(as(BOB_KEY), "fake/gpt-4o-mini").then().statusCode(200);
        assertEquals(2, openAi.requestCount());
    }

    @Test
    void missingAuthorizationIsRejected() {
        assertUnauthenticated(given().contentType("application/json").body(chatBody("fake/gpt-4o-mini"))
                        .post("/v1/chat/completions"),
                "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.");
        Gateway.assertError(given().get("/v1/models"), 401, INVALID_KEY, BAD_KEY_CODE, null,
                "You didn't provide an API key. Send it in the Authorization header: 'Authorization: Bearer YOUR_KEY'.");
    }

    @Test
    void malformedAuthorizationIsRejected() {
        for (String header : List.of("Basic " + ALICE_KEY, ALICE_KEY, "Bearer", "Token x")) {
            assertUnauthenticated(given().header("Authorization", header).contentType("application/json")
                            .body(chatBody("fake/gpt-4o-mini")).post("/v1/chat/completions"),
                    "The Authorization header must be 'Bearer YOUR_KEY'.");
        }
    }

    @Test
    void unknownKeyIsRejected() {
        assertUnauthenticated(chat(as(UNKNOWN_KEY), "fake/gpt-4o-mini"), "Incorrect API key provided.");
        Gateway.assertError(as(UNKNOWN_KEY).get("/v1/models"), 401, INVALID_KEY, BAD_KEY_CODE, null,
                "Incorrect API key provided.");
    }

    @Test
    void disabledKeyIsRejected() {
        assertUnauthenticated(chat(as(DISABLED_KEY), "fake/gpt-4o-mini"), "The API key 'disabled-key' is disabled.");
    }

    @Test
    void expiredKeyIsRejected() {
        assertUnauthenticated(chat(as(EXPIRED_KEY), "fake/gpt-4o-mini"), "The API key 'expired-key' has expired.");
    }

    // ---------------------------------------------------------------- JWTs

    @Test
    void tokenOfAKnownUserIsAccepted() {
        String token = idp.tokenFor("alice@example.com", List.of("ml"), AUDIENCE);
        chat(as(token), "fake/gpt-4o").then().statusCode(200);
        // a second call is served from the verified-token cache
        chat(as(token), "assistant").then().statusCode(200).header("x-tfy-resolved-model", "fake/gpt-4o-mini");
        assertEquals(2, openAi.requestCount());
    }

    @Test
    void tokenOfAUserUnknownToTheConfigIsGrantedThroughItsGroupsClaim() {
        chat(as(idp.tokenFor("carol@example.com", List.of("ml"), AUDIENCE)), "fake/gpt-4o").then().statusCode(200);
        assertEquals(1, openAi.requestCount());

        // without the group the same user holds nothing
        Gateway.assertError(chat(as(idp.tokenFor("carol@example.com", List.of("other"), AUDIENCE)), "fake/gpt-4o"),
                403, "permission_error", "model_not_allowed", "model",
                "You are not allowed to use the model 'fake/gpt-4o'.");
        assertEquals(1, openAi.requestCount());
    }

    @Test
    void tokenSignedWithARotatedKeyIsAcceptedWithoutRestart() {
        chat(as(idp.tokenFor("alice@example.com", List.of(), AUDIENCE)), "fake/gpt-4o-mini").then().statusCode(200);
        int fetchesBefore = idp.jwksFetchCount();
        String newKid = idp.rotate();
        String token = idp.tokenFor("alice@example.com", List.of(), AUDIENCE);
        assertEquals(newKid, kidOf(token));

        chat(as(token), "fake/gpt-4o-mini").then().statusCode(200);

        assertTrue(idp.jwksFetchCount() > fetchesBefore, "the new kid must have made the gateway fetch the JWKS");
        assertEquals(2, openAi.requestCount());
    }

    @Test
    void expiredTokenIsRejected() {
        assertUnauthenticated(chat(as(idp.expiredToken("alice@example.com", List.of("ml"), AUDIENCE)),
                "fake/gpt-4o-mini"), "The token has expired.");
    }

    @Test
    void tokenForAnotherAudienceIsRejected() {
        assertUnauthenticated(chat(as(idp.tokenFor("alice@example.com", List.of("ml"), "someone-else")),
                "fake/gpt-4o-mini"), "The token's audience is not accepted by this gateway.");
        assertUnauthenticated(chat(as(idp.tokenWithAudience("alice@example.com", List.of("ml"), List.of())),
                "fake/gpt-4o-mini"), "The token's audience is not accepted by this gateway.");
    }

    @Test
    void tokenSignedByAnUnknownKeyIsRejected() {
        assertUnauthenticated(chat(as(idp.tokenSignedByUnknownKey("alice@example.com", List.of("ml"), AUDIENCE)),
                "fake/gpt-4o-mini"), "The token's signature could not be verified.");
    }

    @Test
    void tokenOfAnUntrustedIssuerIsRejected() {
        String token = idp.token(Map.of("iss", "https://elsewhere.example/", "email", "alice@example.com",
                "aud", AUDIENCE), Duration.ofMinutes(5));
        assertUnauthenticated(chat(as(token), "fake/gpt-4o-mini"), "The token's issuer is not trusted by this gateway.");
    }

    @Test
    void tamperedTokenIsRejected() {
        String token = idp.tokenFor("bob@example.com", List.of(), AUDIENCE);
        String[] parts = token.split("\\.");
        String forgedClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("bob@example.com", "alice@example.com").getBytes(StandardCharsets.UTF_8));
        assertUnauthenticated(chat(as(parts[0] + "." + forgedClaims + "." + parts[2]), "fake/gpt-4o"),
                "The token's signature could not be verified.");
    }

    // ---------------------------------------------------------------- authorization

    @Test
    void modelOutsideTheCallersRulesIsForbidden() {
        Gateway.assertError(chat(as(BOB_KEY), "fake/gpt-4o"), 403, "permission_error", "model_not_allowed", "model",
                "You are not allowed to use the model 'fake/gpt-4o'.");
        Gateway.assertError(chat(as(BOB_KEY), "assistant"), 403, "permission_error", "model_not_allowed", "model",
                "You are not allowed to use the model 'assistant'.");
        assertEquals(0, openAi.requestCount());
    }

    @Test
    void unknownModelIsNotFound() {
        Gateway.assertError(chat(as(ALICE_KEY), "fake/gpt-9"), 404, INVALID_KEY, "model_not_found", "model",
                "The model 'fake/gpt-9' does not exist or is not served by this gateway.");
        Gateway.assertError(chat(as(BOB_KEY), "no-such-model"), 404, INVALID_KEY, "model_not_found", "model",
                "The model 'no-such-model' does not exist or is not served by this gateway.");
        assertEquals(0, openAi.requestCount());
    }

    // ---------------------------------------------------------------- the log

    @Test
    void noCredentialEverReachesTheLog() throws Exception {
        // every kind of credential on every path: accepted, refused, forwarded upstream, failing upstream
        String token = idp.tokenFor("alice@example.com", List.of("ml"), AUDIENCE);
        chat(as(token), "fake/gpt-4o-mini").then().statusCode(200);
        chat(as(ALICE_KEY), "unreachable/any").then().statusCode(502);
        chat(as(BOB_KEY), "fake/gpt-4o").then().statusCode(403);
        chat(as(UNKNOWN_KEY), "fake/gpt-4o-mini").then().statusCode(401);
        chat(as(DISABLED_KEY), "fake/gpt-4o-mini").then().statusCode(401);
        chat(as(EXPIRED_KEY), "fake/gpt-4o-mini").then().statusCode(401);
        chat(as(idp.expiredToken("alice@example.com", List.of(), AUDIENCE)), "fake/gpt-4o-mini").then().statusCode(401);
        chat(as(idp.tokenSignedByUnknownKey("alice@example.com", List.of(), AUDIENCE)), "fake/gpt-4o-mini")
                .then().statusCode(401);
        openAi.failNext(500);
        chat(as(ALICE_KEY), "fake/gpt-4o-mini").then().statusCode(500);

        String log = Files.readString(GatewayTestResource.logFile, StandardCharsets.UTF_8);
        assertTrue(log.contains("applied config from"), "the log capture must hold the gateway's log lines");
        List<String> secrets = new ArrayList<>(SENT_SECRETS);
        secrets.addAll(List.of(ALICE_KEY, BOB_KEY, DISABLED_KEY, EXPIRED_KEY, UNKNOWN_KEY, "sk-upstream-secret-value"));
        for (String secret : secrets) {
            assertFalse(log.contains(secret), () -> "a credential is in the log: " + secret.substring(0, 12) + "...");
            if (secret.startsWith("eyJ")) {
                String signature = secret.substring(secret.lastIndexOf('.') + 1);
                assertFalse(log.contains(signature), "a token signature is in the log");
            }
        }
        assertFalse(log.contains("sk-sb-test"), "a gateway key is in the log");
    }

    private static String kidOf(String token) {
        String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        String kid = Gateway.parse(header).get("kid").asText();
        assertNotEquals("", kid);
        return kid;
    }
}
