package dev.switchboard.controlplane.admin;

import static dev.switchboard.controlplane.support.Admin.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.Snapshots;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets are sealed at rest and in snapshots, masked in every answer, and in clear nowhere: not in an API response,
 * a log line, a database row or a snapshot payload. API keys are shown once, at creation; only their hash is kept.
 */
@QuarkusTest
class SecretsTest {

    private static final String PROVIDER_KEY_1 = "sk-live-provider-key-ONE-" + random();
    private static final String PROVIDER_KEY_2 = "sk-live-provider-key-TWO-" + random();
    private static final String MCP_TOKEN = "ghp-mcp-token-" + random();
    private static final String MCP_CLIENT_SECRET = "mcp-oauth-client-secret-" + random();
    private static final String WEBHOOK_TOKEN = "guardrail-webhook-token-" + random();
    /** Every clear value used here; plus the API keys the control plane generated. */
    private static final List<String> CLEAR = new ArrayList<>(
            List.of(PROVIDER_KEY_1, PROVIDER_KEY_2, MCP_TOKEN, MCP_CLIENT_SECRET, WEBHOOK_TOKEN));
    /** The creation responses, the one place a generated key may appear. */
    private static final List<String> KEY_RESPONSES = new ArrayList<>();

    @Inject
    Pool pool;

    private final SecretResolver resolver =
            new SecretResolver(SecretSealer.fromBase64Key(ControlPlaneTestStack.masterKey), name -> null);

    @BeforeEach
    void baseConfig() {
        Admin.reset();
    }

    @Test
    void aProviderKeyIsSealedStoredMaskedAndPublishedSealed() throws Exception {
        Response created = Admin.post("/admin/v1/provider-accounts", """
                {"name": "paid", "type": "openai", "auth": {"type": "api-key", "api_key": "%s"},
                 "models": [{"id": "gpt-4o-mini"}]}""".formatted(PROVIDER_KEY_1));
        created.then().statusCode(201);
        assertEquals(json("{\"type\":\"api-key\",\"api_key\":{\"sealed\":\"***\"}}"), json(created).get("auth"));
        assertEquals(json("{\"sealed\":\"***\"}"), json(Admin.get("/admin/v1/provider-accounts/paid"))
                .at("/auth/api_key"));

        String export = Admin.get("/admin/v1/config").asString();
        assertTrue(export.contains("sealed: v1:"), export);

        long revision = Long.parseLong(created.header("Switchboard-Revision"));
        ConfigSnapshot snapshot = SnapshotWire.decode(Snapshots.awaitRevision(revision, Duration.ofSeconds(10)).content());
        Secret published = snapshot.account("paid").orElseThrow().auth().apiKey();
        assertEquals(Secret.Source.SEALED, published.source());
        assertEquals(PROVIDER_KEY_1, resolver.reveal(published));
    }

    @Test
    void theMaskSentBackKeepsTheSecretAndANewValueReplacesIt() throws Exception {
        Admin.post("/admin/v1/provider-accounts", """
                {"name": "paid", "type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}"""
                .formatted(PROVIDER_KEY_1)).then().statusCode(201);
        Response read = Admin.get("/admin/v1/provider-accounts/paid");

        Response same = Admin.putIfMatch("/admin/v1/provider-accounts/paid", read.header("ETag"), read.asString());
        same.then().statusCode(200).header("ETag", read.header("ETag"));
        Admin.put("/admin/v1/provider-accounts/paid", """
                {"type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}""".formatted(PROVIDER_KEY_1))
                .then().statusCode(200).header("ETag", read.header("ETag")); // the same clear value: no change
        assertEquals(PROVIDER_KEY_1, publishedKey(Admin.head()));

        Response changed = Admin.put("/admin/v1/provider-accounts/paid", """
                {"type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}""".formatted(PROVIDER_KEY_2));
        changed.then().statusCode(200);
        long revision = Admin.head();
        assertEquals("\"" + revision + "\"", changed.header("ETag"));
        assertEquals(PROVIDER_KEY_2, publishedKey(revision));

        JsonNode diff = json(Admin.get("/admin/v1/revisions/" + revision + "/diff")).at("/changes/0/fields/0");
        assertEquals("auth.api_key", diff.get("path").asText());
        assertTrue(diff.at("/before/sealed").asText().matches("\\*\\*\\*[0-9a-f]{8}"), diff.toString());
        assertFalse(diff.get("before").equals(diff.get("after")));
    }

    @Test
    void theMaskWithNothingStoredAndAForeignSealedValueAreRefused() {
        String foreign = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(new byte[32])).seal("x");
        Response r = Admin.post("/admin/v1/mcp-servers", """
                {"name": "gh", "url": "http://127.0.0.1:9/mcp", "auth": {"type": "bearer", "token": {"sealed": "***"}}}""");
        r.then().statusCode(400);
        assertEquals(json("""
                [{"path":"auth.token","message":"\\"***\\" keeps the stored secret, but none is stored here; give the secret"}]"""),
                json(r).get("errors"));
        Response f = Admin.post("/admin/v1/mcp-servers", """
                {"name": "gh", "url": "http://127.0.0.1:9/mcp", "auth": {"type": "bearer", "token": {"sealed": "%s"}}}"""
                .formatted(foreign));
        assertEquals(json("""
                [{"path":"auth.token","message":"the sealed secret cannot be opened with this control plane's master key"}]"""),
                json(f).get("errors"));
    }

    @Test
    void anMcpTokenIsMaskedToo() {
        Response created = Admin.post("/admin/v1/mcp-servers", """
                {"name": "gh", "url": "http://127.0.0.1:9/mcp", "auth": {"type": "bearer", "token": "%s"}}"""
                .formatted(MCP_TOKEN));
        created.then().statusCode(201);
        assertEquals(json("{\"type\":\"bearer\",\"token\":{\"sealed\":\"***\"}}"), json(created).get("auth"));
    }

    @Test
    void anMcpOAuthClientSecretIsSealedAndMaskedAndKeptOnUpdate() throws Exception {
        String server = """
                {"name": "genie", "url": "https://ws.example.com/api/2.0/mcp/genie/01ef", "transport": "streamable_http",
                 "auth": {"type": "databricks-service-principal", "client_id": "sp-1", "client_secret": %s}}""";
        Admin.post("/admin/v1/mcp-servers", server.formatted("\"" + MCP_CLIENT_SECRET + "\""))
                .then().statusCode(201);
        JsonNode read = json(Admin.get("/admin/v1/mcp-servers/genie"));
        assertEquals("{\"sealed\":\"***\"}", read.get("auth").get("client_secret").toString());
        assertEquals("sp-1", read.get("auth").get("client_id").asText());

        // an update that sends the mask back keeps the stored secret (and every other field)
        Admin.put("/admin/v1/mcp-servers/genie", server.replace("\"name\": \"genie\", ", "")
                .formatted("{\"sealed\": \"***\"}")).then().statusCode(200);
        long revision = Admin.head();
        ConfigSnapshot snapshot = SnapshotWire.decode(Snapshots.awaitRevision(revision, Duration.ofSeconds(10)).content());
        McpServer stored = snapshot.config().mcpServers().stream().filter(s -> s.name().equals("genie")).findFirst()
                .orElseThrow();
        assertEquals(MCP_CLIENT_SECRET, resolver.reveal(stored.auth().clientSecret()));
        assertEquals("sp-1", stored.auth().clientId());
    }

    @Test
    void aGuardrailWebhookTokenIsSealedAndMasked() throws Exception {
        Admin.post("/admin/v1/guardrails", """
                {"name": "dlp", "type": "webhook", "hooks": ["llm_input"],
                 "webhook": {"url": "http://127.0.0.1:9/verdict", "token": "%s"}}""".formatted(WEBHOOK_TOKEN))
                .then().statusCode(201);
        JsonNode read = json(Admin.get("/admin/v1/guardrails/dlp"));
        assertEquals("{\"sealed\":\"***\"}", read.get("webhook").get("token").toString());
        long revision = Admin.head();
        ConfigSnapshot snapshot = SnapshotWire.decode(Snapshots.awaitRevision(revision, Duration.ofSeconds(10)).content());
        assertEquals(WEBHOOK_TOKEN, resolver.reveal(snapshot.config().guardrails().get(0).webhook().token()));
    }

    @Test
    void anApiKeyIsShownOnceAndOnlyItsHashIsKept() throws Exception {
        Response created = Admin.admin().contentType("application/json")
                .body("{\"name\": \"laptop\", \"subject\": \"user:alice\"}").post("/admin/v1/api-keys");
        KEY_RESPONSES.add(created.asString());
        created.then().statusCode(201);
        String key = json(created).get("key").asText();
        CLEAR.add(key);
        assertTrue(key.startsWith("sk-sb-") && key.length() > 40, key);
        assertEquals(ApiKey.hashOf(key), json(created).get("key_hash").asText());

        JsonNode read = json(Admin.get("/admin/v1/api-keys/laptop"));
        assertNull(read.get("key"));
        assertEquals(ApiKey.hashOf(key), read.get("key_hash").asText());
        json(Admin.get("/admin/v1/api-keys")).get("items").forEach(i -> assertNull(i.get("key")));

        Admin.put("/admin/v1/api-keys/laptop", "{\"subject\": \"user:alice\", \"disabled\": true}")
                .then().statusCode(200);
        assertEquals(ApiKey.hashOf(key), json(Admin.get("/admin/v1/api-keys/laptop")).get("key_hash").asText());

        long revision = Admin.head();
        ConfigSnapshot snapshot = SnapshotWire.decode(Snapshots.awaitRevision(revision, Duration.ofSeconds(10)).content());
        assertTrue(snapshot.apiKeyByHash(ApiKey.hashOf(key)).orElseThrow().disabled());

        Response imported = Admin.post("/admin/v1/api-keys", "{\"name\": \"ci\", \"subject\": \"user:bob\","
                + " \"key_hash\": \"" + ApiKey.hashOf("sk-sb-made-elsewhere") + "\"}");
        imported.then().statusCode(201);
        assertNull(json(imported).get("key"), "a key registered by its hash has no clear key to show");
    }

    @AfterAll
    static void noClearSecretAnywhere() throws Exception {
        // Responses (but for the one that created each key), the log, every stored row and the last snapshot.
        for (String body : Admin.RESPONSES) {
            assertNoSecret("an API response", body);
        }
        assertNoSecret("the control plane's log", Files.readString(ControlPlaneTestStack.logFile));
        assertNoSecret("the snapshot payload",
                new String(SnapshotWire.gunzip(Snapshots.fetch().content()), StandardCharsets.UTF_8));
    }

    @Test
    void noClearSecretIsStoredInAnyTable() {
        Admin.post("/admin/v1/provider-accounts", """
                {"name": "paid", "type": "openai", "auth": {"type": "api-key", "api_key": "%s"}}"""
                .formatted(PROVIDER_KEY_1)).then().statusCode(201);
        StringBuilder all = new StringBuilder();
        for (String table : List.of("provider_accounts", "models", "mcp_servers", "api_keys", "revisions")) {
            String column = table.equals("revisions") ? "config || changes" : "body";
            for (Row row : pool.query("select " + column + " as text from " + table).execute().await()
                    .atMost(Duration.ofSeconds(10))) {
                all.append(row.getString("text")).append('\n');
            }
        }
        assertTrue(all.toString().contains("v1:"), "sealed values are stored");
        assertNoSecret("the database", all.toString());
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : CLEAR) {
            if (text.contains(secret)) {
                boolean allowed = KEY_RESPONSES.stream().anyMatch(r -> r.equals(text));
                assertTrue(allowed, "a clear secret is in " + where);
            }
        }
    }

    private String publishedKey(long revision) throws Exception {
        ConfigSnapshot s = SnapshotWire.decode(Snapshots.awaitRevision(revision, Duration.ofSeconds(10)).content());
        return resolver.reveal(s.account("paid").orElseThrow().auth().apiKey());
    }

    private static String random() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
