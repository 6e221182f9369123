package dev.switchboard.gateway.snapshot;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.impl.Headers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A gateway fed by the control plane's snapshots over the real NATS JetStream: it takes the latest at start (late
 * joiner), applies newer revisions as they come, ignores older ones, opens sealed secrets, and keeps a cache file.
 */
@QuarkusTest
@TestProfile(NatsSnapshotsTest.Profile.class)
class NatsSnapshotsTest {

    static final String KEY = "sk-sb-nats-test-000000000000";
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final SecretSealer SEALER = SecretSealer.fromBase64Key(MASTER_KEY);
    static final String BUCKET = "switchboard-config-test-" + UUID.randomUUID().toString().substring(0, 8);

    static FakeOpenAi openAi;
    static Path cache;
    static Connection nats;
    static ObjectStore store;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Resource.class));
        }
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                openAi = FakeOpenAi.start();
                cache = Files.createTempDirectory("switchboard-nats-test").resolve("snapshot.json.gz");
                nats = Nats.connect(LocalStack.get().natsUrl());
                nats.objectStoreManagement().create(ObjectStoreConfiguration.builder(BUCKET).build());
                store = nats.objectStore(BUCKET);
                publish(1, config(List.of("gpt-4o-mini")));   // there before the gateway starts
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "switchboard.nats.url", LocalStack.get().natsUrl(),
                    "switchboard.nats.config-bucket", BUCKET,
                    "switchboard.snapshot-cache", cache.toString(),
                    "switchboard.master-key", MASTER_KEY);
        }

        @Override
        public void stop() {
            try {
                nats.objectStoreManagement().delete(BUCKET);
                nats.close();
            } catch (Exception e) {
                // best effort: the bucket name is unique to this run
            }
            openAi.close();
        }
    }

    static String config(List<String> models) {
        StringBuilder yaml = new StringBuilder("""
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-sealed-value}
                    models:
                """.formatted(openAi.baseUrl()));
        for (String m : models) {
            yaml.append("      - id: ").append(m).append('\n');
        }
        yaml.append("""
                service_accounts: [{name: app}]
                api_keys: [{name: k, subject: service_account:app, key_hash: %s}]
                access_rules: [{subjects: [service_account:app], models: ["*"]}]
                """.formatted(ApiKey.hashOf(KEY)));
        return yaml.toString();
    }

    static void publish(long revision, String yaml) throws Exception {
        ConfigSnapshot snapshot = ConfigCodec.validated(ConfigCodec.readYaml(yaml), revision, Instant.now());
        byte[] content = SnapshotWire.encode(snapshot, SEALER);
        Headers headers = new Headers().put(SnapshotWire.REVISION_HEADER, SnapshotWire.revisionHeader(revision))
                .put(SnapshotWire.CONTENT_ENCODING_HEADER, SnapshotWire.GZIP);
        store.put(ObjectMeta.builder(SnapshotWire.OBJECT).headers(headers).build(), new ByteArrayInputStream(content));
    }

    static int chat(String model) {
        return given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").statusCode();
    }

    static void awaitStatus(String model, int status) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (chat(model) != status) {
            if (System.nanoTime() > until) {
                throw new AssertionError(model + " did not answer " + status + " within 10 s");
            }
            Thread.sleep(50);
        }
    }

    @Test
    void lateJoinerServesTheLatestSnapshotThenNewerRevisionsAndNeverAnOlderOne() throws Exception {
        awaitStatus("fake/gpt-4o-mini", 200);
        assertEquals("Bearer sk-upstream-sealed-value", openAi.lastRequest().header("authorization"),
                "the sealed provider key was opened with the master key");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks[0].data.revision", equalTo(1))
                .body("checks[0].data.nats", containsString("connected"));

        publish(3, config(List.of("gpt-4o-mini", "gpt-4.1")));
        awaitStatus("fake/gpt-4.1", 200);

        publish(2, config(List.of("gpt-4o-mini")));   // a replayed, older revision
        Thread.sleep(500);
        assertEquals(200, chat("fake/gpt-4.1"), "revision 2 must not replace revision 3");
        given().get("/q/health/ready").then().body("checks[0].data.revision", equalTo(3));

        assertTrue(Files.exists(cache), "the applied snapshot is cached for a start without NATS");
        ConfigSnapshot cached = SnapshotWire.decode(Files.readAllBytes(cache));
        assertEquals(3, cached.revision());
        assertFalse(new String(SnapshotWire.gunzip(Files.readAllBytes(cache))).contains("sk-upstream-sealed-value"),
                "the cache holds secrets sealed only");
    }
}
