package dev.switchboard.gateway.provider.it;

import static dev.switchboard.gateway.provider.it.ProviderIt.CLAUDE;
import static dev.switchboard.gateway.provider.it.ProviderItResource.CHAT_ENDPOINT;
import static dev.switchboard.gateway.provider.it.ProviderItResource.EMBEDDINGS_ENDPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeAnthropic;
import dev.switchboard.testsupport.fakes.FakeDatabricks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No provider credential leaves the gateway except towards its own upstream: not the Anthropic keys, the service
 * principals' client secrets (nor their Basic-auth encoding), the access tokens the workspace issued, the PAT, or the
 * caller's key; neither in any answer (headers and body) nor in the gateway's log, captured at DEBUG, after every
 * credential path ran: accepted, refused, renewed after a refusal, and unobtainable. The request-log events the
 * gateway keeps for shipping are checked too.
 */
@QuarkusTest
@TestProfile(ProviderItProfile.class)
class ProviderSecretsTest {

    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    RowQueue<RequestLog> requestLogs;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\"" + (stream ? ",\"stream\":true" : "")
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    @Test
    void noSecretInAnyAnswerOrInTheLog() throws Exception {
        FakeAnthropic anthropic = ProviderItResource.anthropic;
        FakeDatabricks workspace = ProviderItResource.databricks;
        anthropic.reset();
        workspace.reset();
        List<ProviderIt.Raw> answers = new ArrayList<>();

        // Anthropic: accepted, streamed, refused key, rate-limited (its headers are relayed), failing mid-stream
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat(CLAUDE, false))));
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat(CLAUDE, true))));
        answers.add(expect(401, ProviderIt.post(v1, "/chat/completions",
                chat("anthropic-wrong-key/claude-sonnet-4-5", false))));
        anthropic.rateLimitNext(2);
        answers.add(expect(429, ProviderIt.post(v1, "/chat/completions", chat(CLAUDE, false))));
        anthropic.errorMidStreamNext();
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat(CLAUDE, true))));

        // Databricks service principal: chat, stream, embeddings, then a refused token renewed behind the caller's back
        String llama = "dbx/" + CHAT_ENDPOINT;
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat(llama, false))));
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat(llama, true))));
        answers.add(expect(200, ProviderIt.post(v1, "/embeddings",
                "{\"model\":\"dbx/" + EMBEDDINGS_ENDPOINT + "\",\"input\":\"hello\"}")));
        workspace.revokeIssuedTokens();
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat(llama, false))));
        workspace.failNext(401, "UNAUTHENTICATED", "Invalid access token.");
        workspace.failNext(401, "UNAUTHENTICATED", "Invalid access token.");
        answers.add(expect(401, ProviderIt.post(v1, "/chat/completions", chat(llama, false))));
        // a client secret the workspace refuses, and a PAT accepted then refused
        answers.add(expect(502, ProviderIt.post(v1, "/chat/completions", chat("dbx-wrong-secret/" + CHAT_ENDPOINT, false))));
        answers.add(expect(200, ProviderIt.post(v1, "/chat/completions", chat("dbx-pat/" + CHAT_ENDPOINT, false))));
        workspace.failNext(401, "UNAUTHENTICATED", "Invalid access token.");
        answers.add(expect(401, ProviderIt.post(v1, "/chat/completions", chat("dbx-pat/" + CHAT_ENDPOINT, false))));

        ProviderIt.rememberIssuedTokens(workspace);
        assertTrue(workspace.tokenCalls() >= 2, "tokens were issued in this test: " + workspace.tokenCalls());
        assertFalse(ProviderIt.ISSUED_TOKENS.isEmpty());
        List<String> secrets = new ArrayList<>(ProviderItResource.SECRETS);
        secrets.addAll(ProviderIt.ISSUED_TOKENS);
        for (String[] sp : new String[][] {
                {ProviderItResource.SP_MAIN_ID, ProviderItResource.SP_MAIN_SECRET},
                {ProviderItResource.SP_MAIN_ID, ProviderItResource.WRONG_SP_SECRET},
                {ProviderItResource.SP_BURST_ID, ProviderItResource.SP_BURST_SECRET},
                {ProviderItResource.SP_EXPIRY_ID, ProviderItResource.SP_EXPIRY_SECRET},
                {ProviderItResource.SP_STALE_ID, ProviderItResource.SP_STALE_SECRET}}) {
            secrets.add(Base64.getEncoder().encodeToString((sp[0] + ":" + sp[1]).getBytes(StandardCharsets.UTF_8)));
        }

        for (ProviderIt.Raw answer : answers) {
            ProviderIt.assertNoSecret("an answer to the client", answer.everything(), secrets);
        }
        String log = Files.readString(ProviderItResource.logFile, StandardCharsets.UTF_8);
        assertTrue(log.contains("applied config from"), "the capture must hold the gateway's log lines");
        assertTrue(log.contains("DEBUG"), "the capture runs at DEBUG");
        ProviderIt.assertNoSecret("the gateway's log", log, secrets);

        List<RequestLog> events = requestLogs.drain(Integer.MAX_VALUE);
        assertTrue(events.size() >= answers.size(), "request-log events: " + events.size());
        ProviderIt.assertNoSecret("the request-log events", events.toString(), secrets);
    }

    private static ProviderIt.Raw expect(int status, ProviderIt.Raw raw) {
        assertEquals(status, raw.status(), raw.body());
        return raw;
    }
}
