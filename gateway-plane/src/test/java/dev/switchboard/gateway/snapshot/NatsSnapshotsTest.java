package dev.switchboard.gateway.snapshot;

import static dev.switchboard.gateway.snapshot.Snapshots.awaitRevision;
import static dev.switchboard.gateway.snapshot.Snapshots.awaitStatus;
import static dev.switchboard.gateway.snapshot.Snapshots.chat;
import static dev.switchboard.gateway.snapshot.Snapshots.config;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import dev.switchboard.runtime.feed.ConfigFeed;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.feed.Origin;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectStoreConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A gateway fed by the control plane's snapshots over the real NATS JetStream: it takes the latest at start (late
 * joiner), applies newer revisions as they come, ignores older ones, opens sealed secrets, and keeps a cache file;
 * other gateways watching the same bucket apply the same revisions; the applied revision shows on /q/metrics.
 */
@QuarkusTest
@TestProfile(NatsSnapshotsTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatsSnapshotsTest {

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
                publish(1, List.of("gpt-4o-mini"));   // there before the gateway starts
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                    FeedSettings.BUCKET, BUCKET,
                    FeedSettings.CACHE_FILE, cache.toString(),
                    "switchboard.master-key", Snapshots.MASTER_KEY);
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

    static void publish(long revision, List<String> models) throws Exception {
        Snapshots.publish(store, revision, config(openAi.baseUrl(), models));
    }

    @Inject
    ConfigSource source;

    @Test
    @Order(1)
    void lateJoinerServesTheLatestSnapshotThenNewerRevisionsAndNeverAnOlderOne() throws Exception {
        awaitStatus("fake/gpt-4o-mini", 200);
        assertEquals("Bearer " + Snapshots.UPSTREAM_KEY, openAi.lastRequest().header("authorization"),
                "the sealed provider key was opened with the master key");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'config' }.data.revision", equalTo(1))
                .body("checks.find { it.name == 'config' }.data.source", equalTo("nats"))
                .body("checks.find { it.name == 'config' }.data.nats", equalTo("connected"))
                .body("checks.find { it.name == 'config' }.data.bucket", equalTo(BUCKET));

        publish(3, List.of("gpt-4o-mini", "gpt-4.1"));
        awaitStatus("fake/gpt-4.1", 200);

        publish(2, List.of("gpt-4o-mini"));   // a replayed, older revision
        Thread.sleep(500);
        assertEquals(200, chat("fake/gpt-4.1"), "revision 2 must not replace revision 3");
        given().get("/q/health/ready").then().body("checks.find { it.name == 'config' }.data.revision", equalTo(3));

        assertTrue(Files.exists(cache), "the applied snapshot is cached for a start without NATS");
        ConfigSnapshot cached = SnapshotWire.decode(Files.readAllBytes(cache));
        assertEquals(3, cached.revision());
        assertFalse(new String(SnapshotWire.gunzip(Files.readAllBytes(cache))).contains(Snapshots.UPSTREAM_KEY),
                "the cache holds secrets sealed only");
    }

    @Test
    @Order(2)
    void everyGatewayOnTheBucketAppliesAChangeAndOneStartedAfterItGetsIt() throws Exception {
        SnapshotHolder second = new SnapshotHolder();
        try (ConfigFeed<GatewayState> secondFeed = anotherGateway("second", second)) {
            Snapshots.await(Duration.ofSeconds(10), () -> second.holder().applied() != null,
                    "the second gateway got no snapshot");

            publish(4, List.of("gpt-4o-mini", "gpt-4.1", "o3"));

            awaitStatus("fake/o3", 200);
            awaitRevision(second, 4);
            assertEquals(Origin.NATS, second.holder().applied().origin());
            assertTrue(second.current().snapshot().model("fake/o3").isPresent());
            assertEquals(Snapshots.UPSTREAM_KEY, second.current().upstream("fake").orElseThrow().credential(),
                    "the second gateway opened the sealed key too");
        }

        SnapshotHolder late = new SnapshotHolder();
        try (ConfigFeed<GatewayState> lateFeed = anotherGateway("late", late)) {
            awaitRevision(late, 4);
            assertEquals(Origin.NATS, late.holder().applied().origin(), "from NATS: it has no cache");
        }
    }

    /** Another gateway's config feed, started: the same NATS and bucket as the one under test, a cache of its own. */
    private ConfigFeed<GatewayState> anotherGateway(String name, SnapshotHolder holder) {
        FeedSettings mine = source.settings();
        FeedSettings settings = new FeedSettings(Optional.empty(), mine.filePollInterval(), mine.natsUrl(),
                mine.bucket(), cache.resolveSibling(name + ".json.gz"), mine.natsRetryInterval(),
                mine.natsCheckInterval(), "switchboard-gateway-" + name);
        return ConfigSource.newFeed(settings, SecretResolver.fromProcess(Snapshots.SEALER), holder).start();
    }

    @Test
    @Order(3)
    void theMetricsShowTheAppliedRevisionAndItsAgeTaggedWithItsSource() throws Exception {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals(4.0, gauge(metrics, "switchboard_config_revision", "nats"), metrics);
        double age = gauge(metrics, "switchboard_config_age_seconds", "nats");
        assertTrue(age >= 0 && age < 600, "age " + age);
        assertTrue(Double.isNaN(gauge(metrics, "switchboard_config_revision", "file")),
                "the file's series went when NATS took over");
        assertFalse(metrics.contains("http_server_requests"), "nothing instruments the request path");

        publish(5, List.of("gpt-4o-mini"));
        Snapshots.await(Duration.ofSeconds(10),
                () -> gauge(given().get("/q/metrics").asString(), "switchboard_config_revision", "nats") == 5.0,
                "switchboard_config_revision did not become 5");
    }

    /** The value of the series {@code name{source="..."}} in the Prometheus text; NaN when there is none. */
    static double gauge(String metrics, String name, String source) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*source=\"" + source + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
