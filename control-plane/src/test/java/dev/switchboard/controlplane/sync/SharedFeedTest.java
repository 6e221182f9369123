package dev.switchboard.controlplane.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.controlplane.ControlPlaneConfig;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.runtime.feed.ConfigFeed;
import dev.switchboard.runtime.feed.ConfigHolder;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.feed.Origin;
import dev.switchboard.runtime.feed.PlaneState;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The control plane and the planes meet at one bucket under one property name, and the config feed both planes run
 * (common-model's {@link ConfigFeed}) applies what this control plane publishes, sealed secrets opened.
 */
@QuarkusTest
class SharedFeedTest {

    /** What a plane would make of a snapshot, reduced to one opened provider key. */
    record Opened(ConfigSnapshot snapshot, String providerKey) implements PlaneState {
        @Override
        public List<String> warnings() {
            return List.of();
        }

        @Override
        public String summary() {
            return "one provider key";
        }
    }

    @Inject
    ControlPlaneConfig config;

    @Test
    void theBucketPropertyIsTheOneThePlanesRead() {
        assertEquals(ControlPlaneTestStack.bucket, config.sync().bucket());
        assertEquals(ControlPlaneTestStack.bucket,
                ConfigProvider.getConfig().getValue(FeedSettings.BUCKET, String.class));
    }

    @Test
    void aPlanesFeedAppliesEachCommittedRevisionWithItsSecretsOpened() throws Exception {
        Admin.reset();
        long revision = Long.parseLong(Admin.post("/admin/v1/provider-accounts",
                        "{\"name\": \"feed\", \"type\": \"openai\", \"auth\": {\"type\": \"api-key\", \"api_key\": \"sk-feed-clear\"}}")
                .then().statusCode(201).extract().header("Switchboard-Revision"));
        SecretResolver secrets = SecretResolver.fromProcess(SecretSealer.fromBase64Key(ControlPlaneTestStack.masterKey));
        FeedSettings settings = new FeedSettings(Optional.empty(), Duration.ofSeconds(1),
                Optional.of(ControlPlaneTestStack.natsUrl), ControlPlaneTestStack.bucket,
                Files.createTempDirectory("switchboard-feed").resolve("cache.json.gz"), Duration.ofMillis(200),
                Duration.ofSeconds(30), "control-plane-test");
        ConfigHolder<Opened> holder = new ConfigHolder<>();
        try (ConfigFeed<Opened> feed = new ConfigFeed<>(settings, snapshot -> new Opened(snapshot,
                secrets.reveal(snapshot.config().providerAccounts().stream().filter(a -> a.name().equals("feed"))
                        .findFirst().orElseThrow().auth().apiKey())), holder, Clock.systemUTC()).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (holder.applied() == null || holder.applied().revision() < revision) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the feed did not apply revision " + revision + ": " + feed.readiness());
                }
                Thread.sleep(20);
            }
            assertEquals(Origin.NATS, holder.applied().origin());
            assertEquals("sk-feed-clear", holder.state().providerKey());
        }
    }
}
