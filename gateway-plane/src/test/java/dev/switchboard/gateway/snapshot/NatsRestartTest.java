package dev.switchboard.gateway.snapshot;

import static dev.switchboard.gateway.snapshot.Snapshots.awaitStatus;
import static dev.switchboard.gateway.snapshot.Snapshots.chat;
import static dev.switchboard.gateway.snapshot.Snapshots.config;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.runtime.feed.ConfigFeed;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.feed.Origin;
import dev.switchboard.teststack.PrivateNats;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * NATS goes away under a running gateway and comes back: the gateway keeps serving the last snapshot it applied (and a
 * gateway starting meanwhile serves it from its cache file), then catches up with a revision published after the
 * restart. NATS here is a private {@code nats-server} of this test, stopped and started on the same port and store.
 */
@QuarkusTest
@TestProfile(NatsRestartTest.Profile.class)
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed (Debian: apt-get install nats-server): this test needs "
                + "a NATS server of its own to stop and restart")
class NatsRestartTest {

    static final String BUCKET = "switchboard-config-restart";

    static FakeOpenAi openAi;
    static PrivateNats nats;
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
                openAi = FakeOpenAi.start();
                cache = Files.createTempDirectory("switchboard-nats-restart").resolve("snapshot.json.gz");
                nats = new PrivateNats().start();
                try (Connection c = Nats.connect(nats.url())) {
                    c.objectStoreManagement().create(ObjectStoreConfiguration.builder(BUCKET)
                            .storageType(StorageType.File).build());
                }
                publish(1, List.of("gpt-4o-mini"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    FeedSettings.NATS_URL, nats.url(),
                    FeedSettings.BUCKET, BUCKET,
                    FeedSettings.CACHE_FILE, cache.toString(),
                    FeedSettings.NATS_RETRY_INTERVAL, "200ms",
                    "switchboard.master-key", Snapshots.MASTER_KEY);
        }

        @Override
        public void stop() {
            if (nats != null) {
                nats.close();
            }
            if (openAi != null) {
                openAi.close();
            }
        }
    }

    /** Publishes as the control plane would: with a connection of its own, made now. */
    static void publish(long revision, List<String> models) throws Exception {
        try (Connection c = Nats.connect(nats.url())) {
            Snapshots.publish(c.objectStore(BUCKET), revision, config(openAi.baseUrl(), models));
        }
    }

    @Inject
    ConfigSource source;

    @Test
    void aGatewayServesItsLastSnapshotWhileNatsIsDownAndCatchesUpWhenItReturns() throws Exception {
        awaitStatus("fake/gpt-4o-mini", 200);
        publish(2, List.of("gpt-4o-mini", "gpt-4o"));
        awaitStatus("fake/gpt-4o", 200);

        nats.stop();
        Snapshots.await(Duration.ofSeconds(10), () -> !"connected".equals(readiness("nats")),
                "the gateway did not notice that NATS stopped");
        assertEquals(200, chat("fake/gpt-4o"), "the last snapshot keeps serving without NATS");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'config' }.data.revision", equalTo(2)).body("checks.find { it.name == 'config' }.data.source", equalTo("nats"));

        Path copy = cache.resolveSibling("starting-without-nats.json.gz");
        Files.copy(cache, copy);
        SnapshotHolder starting = new SnapshotHolder();
        try (ConfigFeed<GatewayState> feed = ConfigSource.newFeed(source.settings().withCacheFile(copy),
                SecretResolver.fromProcess(Snapshots.SEALER), starting).start()) {
            assertEquals(Origin.CACHE, starting.holder().applied().origin(), "a gateway starting now serves its cache");
            assertEquals(2, starting.holder().applied().revision());
        }

        nats.start();
        publish(3, List.of("gpt-4o-mini", "gpt-4o", "gpt-4.1"));
        Snapshots.await(Duration.ofSeconds(15), () -> chat("fake/gpt-4.1") == 200,
                "the gateway did not catch up with revision 3 after NATS returned");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'config' }.data.revision", equalTo(3)).body("checks.find { it.name == 'config' }.data.nats", equalTo("connected"));
    }

    private static String readiness(String field) {
        return given().get("/q/health/ready").then().extract().path("checks.find { it.name == 'config' }.data." + field);
    }
}
