package dev.switchboard.workflowbridge.runnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PollBackoffTest {

    @Test
    void doublesFromTheFirstIntervalUpToTheMaximum() {
        PollBackoff backoff = new PollBackoff(Duration.ofSeconds(5), Duration.ofSeconds(30));

        assertEquals(List.of(5L, 10L, 20L, 30L, 30L, 30L),
                IntStream.range(0, 6).mapToObj(n -> backoff.interval(n).toSeconds()).toList());
        assertEquals(Duration.ofSeconds(30), backoff.interval(10_000));
    }

    @Test
    void refusesIntervalsThatMakeNoSense() {
        assertThrows(IllegalArgumentException.class, () -> new PollBackoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new PollBackoff(Duration.ofSeconds(10), Duration.ofSeconds(5)));
    }
}
