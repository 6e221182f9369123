package dev.switchboard.runtime.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    private ConfigFeed<TestState> feed(Path file) {
        FeedSettings settings = new FeedSettings(Optional.of(file), Duration.ofHours(1), Optional.empty(), null,
                dir.resolve("cache.json.gz"), Duration.ofSeconds(1), Duration.ofSeconds(30), "test");
        return new ConfigFeed<>(settings, TestState::new, new ConfigHolder<>(), clock);
    }

    @Test
    void aValidEditAppliesAsTheNextRevisionAndABrokenOneIsRefusedWhileTheLastGoodOneServes() throws Exception {
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, TestState.CONFIG);
        ConfigFeed<TestState> feed = feed(file);
        assertTrue(feed.reloadFile());
        assertFalse(feed.reloadFile(), "unchanged bytes are not applied again");

        Files.writeString(file, "users: [{name: alice}, {name: bob}]\n");
        assertTrue(feed.reloadFile());
        assertEquals(2, feed.holder().applied().revision());

        Files.writeString(file, "users: [{name: alice}]\nnot_a_field: 1\n");
        assertFalse(feed.reloadFile());
        assertEquals(2, feed.holder().applied().revision(), "the previous config keeps serving");
        assertEquals(2, feed.holder().state().snapshot().config().users().size());

        Map<String, Object> data = feed.readiness().data();
        assertTrue(feed.readiness().up());
        assertEquals(2L, data.get("revision"));
        assertEquals("file", data.get("source"));
        assertTrue(String.valueOf(data.get("last_refused_edit")).contains("not_a_field"), data.toString());

        Files.writeString(file, TestState.CONFIG);
        assertTrue(feed.reloadFile());
        assertNull(feed.readiness().data().get("last_refused_edit"), "a good edit clears the refusal");
    }

    @Test
    void withoutAnyConfigReadinessIsDownAndSaysWhatToSet() {
        FeedSettings none = new FeedSettings(Optional.empty(), Duration.ofSeconds(1), Optional.empty(), null,
                dir.resolve("cache.json.gz"), Duration.ofSeconds(1), Duration.ofSeconds(30), "test");
        ConfigFeed<TestState> feed = new ConfigFeed<>(none, TestState::new, new ConfigHolder<>(), clock);
        assertFalse(feed.readiness().up());
        assertTrue(String.valueOf(feed.readiness().data().get("reason")).contains("SWITCHBOARD_CONFIG"));
    }
}
