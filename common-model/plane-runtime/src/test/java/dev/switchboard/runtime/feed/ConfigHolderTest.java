package dev.switchboard.runtime.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigHolderTest {

    private final ConfigHolder<TestState> holder = new ConfigHolder<>();

    @Test
    void holdsNothingUntilTheFirstConfig() {
        assertNull(holder.state());
        assertNull(holder.applied());
    }

    @Test
    void aNatsSnapshotReplacesTheFileAndTheCacheWhateverTheirRevisions() {
        assertTrue(holder.offer(TestState.of(40), Origin.FILE));
        assertTrue(holder.offer(TestState.of(1), Origin.NATS));
        assertEquals(1, holder.applied().revision());

        ConfigHolder<TestState> cached = new ConfigHolder<>();
        cached.offer(TestState.of(9), Origin.CACHE);
        assertTrue(cached.offer(TestState.of(2), Origin.NATS), "a control plane that starts over at 2 still wins");
        assertEquals(Origin.NATS, cached.applied().origin());
    }

    @Test
    void anOlderOrEqualNatsRevisionNeverReplacesANewerOne() {
        holder.offer(TestState.of(3), Origin.NATS);
        assertFalse(holder.offer(TestState.of(2), Origin.NATS), "a replayed older revision");
        assertFalse(holder.offer(TestState.of(3), Origin.NATS), "the same revision again");
        assertTrue(holder.offer(TestState.of(4), Origin.NATS));
        assertEquals(4, holder.applied().revision());
    }

    @Test
    void theCacheReplacesTheFileButNeverNats() {
        holder.offer(TestState.of(7), Origin.FILE);
        assertTrue(holder.offer(TestState.of(3), Origin.CACHE));
        assertFalse(holder.offer(TestState.of(8), Origin.FILE), "the file does not replace the cache");

        ConfigHolder<TestState> live = new ConfigHolder<>();
        live.offer(TestState.of(3), Origin.NATS);
        assertFalse(live.offer(TestState.of(9), Origin.CACHE), "a stale cache never replaces what NATS gave");
    }

    @Test
    void theFileReplacesOnlyItsOwnEarlierRevisions() {
        holder.offer(TestState.of(2), Origin.FILE);
        assertTrue(holder.offer(TestState.of(2), Origin.FILE), "the same revision number, edited in place");
        assertTrue(holder.offer(TestState.of(3), Origin.FILE));
        assertFalse(holder.offer(TestState.of(1), Origin.FILE));
        holder.offer(TestState.of(1), Origin.NATS);
        assertFalse(holder.offer(TestState.of(4), Origin.FILE), "NATS wins over any file edit");
    }

    @Test
    void listenersHearEachSwapAndNothingElse() {
        List<Long> heard = new ArrayList<>();
        holder.onApplied(applied -> heard.add(applied.revision()));
        holder.onApplied(applied -> {
            throw new IllegalStateException("a broken listener does not stop the swap");
        });
        holder.offer(TestState.of(2), Origin.NATS);
        holder.offer(TestState.of(1), Origin.NATS);
        holder.offer(TestState.of(5), Origin.NATS);
        assertEquals(List.of(2L, 5L), heard);
        assertEquals(5, holder.state().snapshot().revision());
    }

    @Test
    void aWarningIsSaidWhenItAppearsAndWhenItGoesNotWithEveryRevisionThatStillHasIt() {
        String noKey = "provider account 'openai': credential unavailable: environment variable OPENAI_API_KEY is not set";
        String noToken = "MCP server 'jira': credential unavailable: environment variable JIRA_TOKEN is not set";

        assertEquals(new ConfigHolder.WarningChanges(List.of(noKey), List.of()),
                ConfigHolder.WarningChanges.of(List.of(), List.of(noKey)));
        assertEquals(new ConfigHolder.WarningChanges(List.of(), List.of()),
                ConfigHolder.WarningChanges.of(List.of(noKey), List.of(noKey)), "the next revision still lacks the key");
        assertEquals(new ConfigHolder.WarningChanges(List.of(noToken), List.of(noKey)),
                ConfigHolder.WarningChanges.of(List.of(noKey), List.of(noToken)));
    }
}
