package dev.switchboard.runtime.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.sync.SnapshotWire;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plane that starts while NATS cannot be reached serves the last snapshot it cached, over its standalone file. */
class NatsCacheTest {

    @TempDir
    Path dir;

    private FeedSettings settings(Optional<Path> file) throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        return new FeedSettings(file, Duration.ofHours(1), Optional.of("nats://127.0.0.1:" + closed), null,
                dir.resolve("cache.json.gz"), Duration.ofMillis(100), Duration.ofSeconds(30), "test");
    }

    @Test
    void theCachedSnapshotServesOverTheFileWhenNatsIsUnreachable() throws Exception {
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, "users: [{name: from-file}]\n");
        Files.write(dir.resolve("cache.json.gz"), SnapshotWire.encode(
                ConfigCodec.loadYaml("users: [{name: from-cache}]\n", 12, Instant.now()),
                SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(new byte[32]))));

        try (ConfigFeed<TestState> feed = new ConfigFeed<>(settings(Optional.of(file)), TestState::new,
                new ConfigHolder<>(), Clock.systemUTC()).start()) {
            Applied<TestState> applied = feed.holder().applied();
            assertEquals(Origin.CACHE, applied.origin());
            assertEquals(12, applied.revision());
            assertTrue(applied.state().snapshot().user("from-cache").isPresent());
            assertTrue(feed.readiness().up());
            assertEquals("cache", feed.readiness().data().get("source"));
            awaitNatsStatusContaining(feed, "cannot reach NATS");
        }
    }

    @Test
    void aCorruptCacheIsIgnoredAndReadinessWaitsForNats() throws Exception {
        Files.writeString(dir.resolve("cache.json.gz"), "not gzip");
        try (ConfigFeed<TestState> feed = new ConfigFeed<>(settings(Optional.empty()), TestState::new,
                new ConfigHolder<>(), Clock.systemUTC()).start()) {
            assertNull(feed.holder().applied());
            assertFalse(feed.readiness().up());
            assertTrue(String.valueOf(feed.readiness().data().get("reason")).contains("NATS"));
        }
    }

    private static void awaitNatsStatusContaining(ConfigFeed<?> feed, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!String.valueOf(feed.readiness().data().get("nats")).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("readiness never said '" + text + "': " + feed.readiness().data());
            }
            Thread.sleep(20);
        }
    }
}
