package dev.switchboard.mcpgateway.snapshot;

import static dev.switchboard.mcpgateway.support.McpHttp.headers;
import static dev.switchboard.mcpgateway.support.McpHttp.request;
import static dev.switchboard.mcpgateway.support.McpTestResource.BOB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.mcpgateway.support.McpHttp;
import dev.switchboard.mcpgateway.support.McpTestResource;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.teststack.LocalStack;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.impl.Headers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The MCP gateway takes its config from the control plane's snapshots over the real NATS JetStream, exactly as the
 * gateway does: a snapshot replaces the standalone file, an older revision is ignored, a newer one applies, sealed
 * upstream tokens are opened with the master key, the last one is cached, and readiness and /q/metrics show which
 * revision is served and from where.
 */
@QuarkusTest
@TestProfile(NatsConfigTest.Profile.class)
class NatsConfigTest {

    static final String BUCKET = "switchboard-config-mcp-test-" + UUID.randomUUID().toString().substring(0, 8);
    static final String MASTER_KEY = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    static Connection nats;
    static ObjectStore store;
    static Path cache;

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
                cache = Files.createTempDirectory("switchboard-mcp-nats-test").resolve("snapshot.json.gz");
                nats = Nats.connect(LocalStack.get().natsUrl());
                nats.objectStoreManagement().create(ObjectStoreConfiguration.builder(BUCKET).build());
                store = nats.objectStore(BUCKET);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, BUCKET,
                    FeedSettings.CACHE_FILE, cache.toString(),
                    FeedSettings.NATS_RETRY_INTERVAL, "200ms",
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
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void snapshotsReplaceTheFileAndOnlyANewerRevisionReplacesASnapshot() throws Exception {
        McpHttp mcp = new McpHttp(root);
        String fileConfig = McpTestResource.config();
        String bobMayProgress = fileConfig.replace("allow: [echo, whoami]}", "allow: [echo, whoami, progress]}");

        publish(7, bobMayProgress);
        await(() -> readiness(mcp).path("revision").asLong() == 7, "revision 7 was not applied");
        JsonNode ready = readiness(mcp);
        assertEquals("nats", ready.path("source").asText(), ready.toString());
        assertEquals("connected", ready.path("nats").asText(), ready.toString());
        String session = mcp.initialize("alpha", BOB_KEY);
        BooleanSupplier bobMayCallProgress = () -> mcp.post("alpha", headers(BOB_KEY, session), request(1,
                "tools/call", "{\"name\":\"progress\",\"arguments\":{}}")).message().has("result");
        assertTrue(bobMayCallProgress.getAsBoolean(), "the snapshot's policy, not the file's, applies");
        assertEquals(200, mcp.call("alpha", BOB_KEY, session, "echo", "{\"message\":\"x\"}").status(),
                "the sealed upstream token was opened");

        publish(6, fileConfig);   // a replayed, older revision
        Thread.sleep(500);
        assertTrue(bobMayCallProgress.getAsBoolean(), "revision 6 must not replace revision 7");
        assertEquals(7, readiness(mcp).path("revision").asLong());

        publish(8, fileConfig);
        await(() -> !bobMayCallProgress.getAsBoolean(), "revision 8 was not applied");
        await(() -> gauge(metrics(mcp), "switchboard_config_revision", "nats") == 8.0,
                "switchboard_config_revision did not become 8");
        assertTrue(gauge(metrics(mcp), "switchboard_config_age_seconds", "nats") >= 0);

        ConfigSnapshot cached = SnapshotWire.decode(Files.readAllBytes(cache));
        assertEquals(8, cached.revision());
        assertFalse(new String(SnapshotWire.gunzip(Files.readAllBytes(cache))).contains(McpTestResource.ALPHA_TOKEN),
                "the cache holds secrets sealed only");
    }

    static void publish(long revision, String yaml) throws Exception {
        ConfigSnapshot snapshot = ConfigCodec.validated(ConfigCodec.readYaml(yaml), revision, Instant.now());
        byte[] content = SnapshotWire.encode(snapshot, SecretSealer.fromBase64Key(MASTER_KEY));
        Headers headers = new Headers().put(SnapshotWire.REVISION_HEADER, SnapshotWire.revisionHeader(revision))
                .put(SnapshotWire.CONTENT_ENCODING_HEADER, SnapshotWire.GZIP);
        store.put(ObjectMeta.builder(SnapshotWire.OBJECT).headers(headers).build(), new ByteArrayInputStream(content));
    }

    /** The {@code config} check's data (found by name: Quarkus's own Graceful Shutdown check comes in no fixed order). */
    static JsonNode readiness(McpHttp mcp) {
        for (JsonNode check : mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/q/health/ready")).build())
                .json().path("checks")) {
            if ("config".equals(check.path("name").asText())) {
                return check.path("data");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static String metrics(McpHttp mcp) {
        return mcp.send(HttpRequest.newBuilder(URI.create(mcp.base() + "/q/metrics")).build()).body();
    }

    /** The value of the series {@code name{source="..."}} in the Prometheus text; NaN when there is none. */
    static double gauge(String metrics, String name, String source) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*source=\"" + source + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError(failure + " within 10 s");
            }
            Thread.sleep(50);
        }
    }
}
