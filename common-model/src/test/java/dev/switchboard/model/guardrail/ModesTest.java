package dev.switchboard.model.guardrail;

import static dev.switchboard.model.guardrail.Fixtures.compile;
import static dev.switchboard.model.guardrail.Fixtures.json;
import static dev.switchboard.model.guardrail.Fixtures.run;
import static dev.switchboard.model.guardrail.Fixtures.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.config.Guardrail.Hook;
import dev.switchboard.model.secret.SecretResolver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each mode against each way a guardrail can answer, through a webhook guardrail whose peer is a stub. */
class ModesTest {

    /** How the stubbed webhook peer behaves. */
    enum Peer {
        PASS, VIOLATION, ERROR, TIMEOUT;

        WebhookClient client() {
            return (url, headers, body) -> switch (this) {
                case PASS -> reply(200, "{\"verdict\":\"pass\"}");
                case VIOLATION -> reply(200, "{\"verdict\":\"violation\",\"reason\":\"ticket id required\"}");
                case ERROR -> reply(500, "oops");
                case TIMEOUT -> new CompletableFuture<>();
            };
        }
    }

    static CompletableFuture<WebhookClient.Reply> reply(int status, String body) {
        return CompletableFuture.completedFuture(new WebhookClient.Reply(status, body.getBytes(StandardCharsets.UTF_8)));
    }

    private static Guardrails webhookGuardrail(String mode, WebhookClient client) {
        return compile("""
                - name: ask
                  type: webhook
                  mode: %s
                  hooks: [mcp_pre_tool]
                  webhook: {url: "http://127.0.0.1:9/verdict", timeout_ms: 50}
                """.formatted(mode), client);
    }

    @ParameterizedTest(name = "{0} x {1} -> blocked={3}")
    @CsvSource({
            "enforce,                     PASS,      PASS,      false",
            "enforce,                     VIOLATION, VIOLATION, true",
            "enforce,                     ERROR,     ERROR,     true",
            "enforce,                     TIMEOUT,   TIMEOUT,   true",
            "enforce_but_ignore_on_error, PASS,      PASS,      false",
            "enforce_but_ignore_on_error, VIOLATION, VIOLATION, true",
            "enforce_but_ignore_on_error, ERROR,     ERROR,     false",
            "enforce_but_ignore_on_error, TIMEOUT,   TIMEOUT,   false",
            "audit,                       PASS,      PASS,      false",
            "audit,                       VIOLATION, VIOLATION, false",
            "audit,                       ERROR,     ERROR,     false",
            "audit,                       TIMEOUT,   TIMEOUT,   false",
    })
    void modeDecidesWhatAnOutcomeDoes(String mode, Peer peer, Verdict.Outcome outcome, boolean blocked) {
        JsonNode args = json("{\"query\":\"SELECT 1\"}");
        GuardrailResult r = run(webhookGuardrail(mode, peer.client()), Hook.MCP_PRE_TOOL, tool("warehouse", "q"), args);
        assertEquals(blocked, r.blocked());
        assertEquals(1, r.verdicts().size());
        Verdict v = r.verdicts().get(0);
        assertEquals(outcome, v.outcome());
        assertEquals(blocked, v.blocked());
        assertEquals("ask", v.guardrail());
        assertSame(args, r.payload());
        assertEquals(blocked ? v : null, r.blockingVerdict());
    }

    @Test
    void reasonsOfEachOutcome() {
        JsonNode args = json("{}");
        assertEquals("ticket id required", verdict(Peer.VIOLATION.client(), args).reason());
        assertEquals("webhook answered HTTP 500", verdict(Peer.ERROR.client(), args).reason());
        Verdict timeout = verdict(Peer.TIMEOUT.client(), args);
        assertEquals("webhook gave no answer within 50 ms", timeout.reason());
        assertTrue(timeout.nanos() >= 50_000_000L, "nanos " + timeout.nanos());
        assertEquals(Verdict.Outcome.ERROR, verdict((u, h, b) -> reply(200, "not json"), args).outcome());
        assertEquals(Verdict.Outcome.ERROR, verdict((u, h, b) -> reply(200, "{\"verdict\":\"maybe\"}"), args).outcome());
        assertEquals(Verdict.Outcome.ERROR, verdict((u, h, b) -> reply(204, ""), args).outcome());
        assertEquals("webhook request failed: IOException", verdict((u, h, b) ->
                CompletableFuture.failedFuture(new java.io.IOException("connection refused")), args).reason());
        assertEquals("webhook request failed: IllegalStateException", verdict((u, h, b) -> {
            throw new IllegalStateException("client closed");
        }, args).reason());
    }

    private static Verdict verdict(WebhookClient client, JsonNode args) {
        GuardrailResult r = run(webhookGuardrail("enforce", client), Hook.MCP_PRE_TOOL, tool("warehouse", "q"), args);
        return r.verdicts().get(0);
    }

    @Test
    void theWebhookGetsTheCallAndTheBearerTokenButNoReasonShowsIt() {
        AtomicReference<String> url = new AtomicReference<>();
        AtomicReference<Map<String, String>> headers = new AtomicReference<>();
        AtomicReference<JsonNode> body = new AtomicReference<>();
        WebhookClient client = (u, h, b) -> {
            url.set(u);
            headers.set(h);
            body.set(json(new String(b, StandardCharsets.UTF_8)));
            return reply(401, "{\"error\":\"bad token tok-s3cr3t-value\"}");
        };
        Guardrails g = Guardrails.compile(Fixtures.config("""
                - name: ask
                  type: webhook
                  hooks: [mcp_pre_tool]
                  webhook: {url: "https://verdicts.example.com/check", token: {env: VERDICT_TOKEN}}
                """), client, new SecretResolver(null, name -> name.equals("VERDICT_TOKEN") ? "tok-s3cr3t-value" : null));
        GuardrailResult r = run(g, Hook.MCP_PRE_TOOL, tool("warehouse", "run_query"), json("{\"query\":\"SELECT 1\"}"));
        assertEquals("https://verdicts.example.com/check", url.get());
        assertEquals("Bearer tok-s3cr3t-value", headers.get().get("Authorization"));
        assertEquals("application/json", headers.get().get("Content-Type"));
        assertEquals(json("""
                {"guardrail":"ask","hook":"mcp_pre_tool","subject":"user:alice","model":null,"server":"warehouse",
                 "tool":"run_query","payload":{"query":"SELECT 1"}}"""), body.get());
        assertTrue(r.blocked());
        assertEquals("webhook answered HTTP 401", r.verdicts().get(0).reason());
    }

    @Test
    void anUnresolvableTokenIsAnErrorNamingTheVariable() {
        Guardrails g = Guardrails.compile(Fixtures.config("""
                - name: ask
                  type: webhook
                  mode: enforce_but_ignore_on_error
                  hooks: [llm_input]
                  webhook: {url: "https://verdicts.example.com/check", token: {env: MISSING_TOKEN}}
                """), Peer.PASS.client(), new SecretResolver(null, name -> null));
        GuardrailResult r = run(g, Hook.LLM_INPUT, Fixtures.llm("openai-main/gpt-4o"), json("{}"));
        assertFalse(r.blocked());
        assertEquals("webhook token cannot be resolved: environment variable MISSING_TOKEN is not set",
                r.verdicts().get(0).reason());
    }

    @Test
    void aWebhookMayRewriteThePayloadExceptInAudit() {
        WebhookClient rewriting = (u, h, b) -> reply(200,
                "{\"verdict\":\"pass\",\"reason\":\"dropped the notes\",\"payload\":{\"query\":\"SELECT 1\"}}");
        JsonNode args = json("{\"query\":\"SELECT 1\",\"notes\":\"call me\"}");
        GuardrailResult r = run(webhookGuardrail("enforce", rewriting), Hook.MCP_PRE_TOOL, tool("warehouse", "q"), args);
        assertEquals(Verdict.Outcome.REDACTED, r.verdicts().get(0).outcome());
        assertEquals(json("{\"query\":\"SELECT 1\"}"), r.payload());
        assertTrue(r.rewritten());

        GuardrailResult audited = run(webhookGuardrail("audit", rewriting), Hook.MCP_PRE_TOOL, tool("warehouse", "q"), args);
        assertEquals(Verdict.Outcome.VIOLATION, audited.verdicts().get(0).outcome());
        assertEquals("webhook would rewrite dropped the notes", audited.verdicts().get(0).reason());
        assertSame(args, audited.payload());
        assertFalse(audited.rewritten());
    }

    @Test
    void checksRunInConfigOrderOnThePreviousPayloadAndStopAtTheFirstBlock() {
        List<String> seen = new ArrayList<>();
        WebhookClient recording = (u, h, b) -> {
            seen.add(json(new String(b, StandardCharsets.UTF_8)).path("payload").toString());
            return reply(200, "{\"verdict\":\"violation\",\"reason\":\"no\"}");
        };
        Guardrails g = compile("""
                - {name: redact-email, type: pii, hooks: [mcp_pre_tool], pii: {detect: [email], redact: replace}}
                - {name: audit-words, type: regex, mode: audit, hooks: [mcp_pre_tool], regex: {deny: ['(?i)secret']}}
                - {name: ask, type: webhook, hooks: [mcp_pre_tool], webhook: {url: "http://127.0.0.1:9/v", timeout_ms: 1000}}
                - {name: never-reached, type: regex, hooks: [mcp_pre_tool], regex: {deny: ['.']}}
                """, recording);
        GuardrailResult r = run(g, Hook.MCP_PRE_TOOL, tool("warehouse", "q"),
                json("{\"to\":\"bob@example.com\",\"text\":\"top secret\"}"));
        assertEquals(List.of("{\"to\":\"[REDACTED:email]\",\"text\":\"top secret\"}"), seen);
        assertEquals(List.of("redact-email", "audit-words", "ask"), r.verdicts().stream().map(Verdict::guardrail).toList());
        assertEquals(List.of(Verdict.Outcome.REDACTED, Verdict.Outcome.VIOLATION, Verdict.Outcome.VIOLATION),
                r.verdicts().stream().map(Verdict::outcome).toList());
        assertTrue(r.blocked());
        assertEquals("ask", r.blockingVerdict().guardrail());
        assertEquals(json("{\"to\":\"[REDACTED:email]\",\"text\":\"top secret\"}"), r.payload());
        r.verdicts().forEach(v -> assertTrue(v.nanos() >= 0));
    }

    @Test
    void noGuardrailsCompleteAtOnceWithTheSamePayload() {
        JsonNode payload = json("{\"a\":1}");
        CompletableFuture<GuardrailResult> done = Guardrails.NONE.check(Hook.LLM_INPUT, Fixtures.llm("x"), payload)
                .toCompletableFuture();
        assertTrue(done.isDone());
        assertSame(payload, done.join().payload());
        assertFalse(Guardrails.NONE.applies(Hook.LLM_INPUT, Fixtures.llm("x")));
        assertSame(Guardrails.NONE, Guardrails.compile(Fixtures.config("[]"), WebhookClient.UNAVAILABLE));
    }

    @Test
    void aSynchronousCheckCompletesBeforeReturning() {
        Guardrails g = compile("- {name: r, type: regex, hooks: [llm_input], regex: {deny: [x]}}");
        assertTrue(g.check(Hook.LLM_INPUT, Fixtures.llm("openai-main/gpt-4o"), json("\"x\"")).toCompletableFuture().isDone());
        assertNotNull(g);
    }
}
