package dev.switchboard.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.gateway.routing.AttemptDecision.Action;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.RetryConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptDecisionTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final LoadBalanceTarget DEFAULTS = new LoadBalanceTarget("a/x", null, 0, null, null);

    private static AttemptDecision after(LoadBalanceTarget t, int status, int retriesDone, String retryAfter, boolean hasNext) {
        return AttemptDecision.after(t, status, retriesDone, retryAfter, hasNext, 60_000, NOW);
    }

    @Test
    void successIsAnswered() {
        assertEquals(Action.RESPOND, after(DEFAULTS, 200, 0, null, true).action());
    }

    @Test
    void retriesTwiceOnTheSeedsStatusesThenFallsBack() {
        for (int status : List.of(429, 500, 502, 503)) {
            assertEquals(new AttemptDecision(Action.RETRY, 100), after(DEFAULTS, status, 0, null, true));
            assertEquals(new AttemptDecision(Action.RETRY, 100), after(DEFAULTS, status, 1, null, true));
            assertEquals(Action.FALLBACK, after(DEFAULTS, status, 2, null, true).action());
        }
    }

    @Test
    void fallsBackWithoutRetryOnAuthAndNotFound() {
        for (int status : List.of(401, 403, 404)) {
            assertEquals(Action.FALLBACK, after(DEFAULTS, status, 0, null, true).action());
        }
    }

    @Test
    void connectErrorsAndTimeoutsFallBack() {
        assertEquals(Action.FALLBACK, after(DEFAULTS, AttemptDecision.NO_RESPONSE, 0, null, true).action());
    }

    @Test
    void otherStatusesAreTheCallersAndAnsweredAsTheyAre() {
        assertEquals(Action.RESPOND, after(DEFAULTS, 400, 0, null, true).action());
        assertEquals(Action.RESPOND, after(DEFAULTS, 422, 0, null, true).action());
        assertEquals(Action.RESPOND, after(DEFAULTS, 504, 0, null, true).action(), "504 is in neither default list");
    }

    @Test
    void theLastTargetAnswersWhatItGot() {
        assertEquals(Action.RESPOND, after(DEFAULTS, 503, 2, null, false).action());
        assertEquals(Action.RESPOND, after(DEFAULTS, AttemptDecision.NO_RESPONSE, 0, null, false).action());
    }

    @Test
    void retryAfterReplacesTheDelayUpToTheCap() {
        assertEquals(new AttemptDecision(Action.RETRY, 3_000), after(DEFAULTS, 429, 0, "3", true));
        assertEquals(new AttemptDecision(Action.RETRY, 10_000), after(DEFAULTS, 429, 0, "120", true));
        String inFiveSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochMilli(NOW + 5_000).atZone(java.time.ZoneOffset.UTC));
        assertEquals(new AttemptDecision(Action.RETRY, 5_000), after(DEFAULTS, 503, 0, inFiveSeconds, true));
        assertEquals(new AttemptDecision(Action.RETRY, 100), after(DEFAULTS, 429, 0, "soon", true), "unreadable: the delay");
    }

    @Test
    void noRetryThatWouldOutliveTheDeadline() {
        assertEquals(Action.FALLBACK, AttemptDecision.after(DEFAULTS, 503, 0, "8", true, 5_000, NOW).action());
        assertEquals(Action.RESPOND, AttemptDecision.after(DEFAULTS, 503, 0, null, true, 0, NOW).action());
    }

    @Test
    void everythingIsConfigurablePerTarget() {
        LoadBalanceTarget custom = new LoadBalanceTarget("a/x", null, 0,
                new RetryConfig(1, 250, List.of(504), 1_000), List.of(504, 400));
        assertEquals(new AttemptDecision(Action.RETRY, 250), after(custom, 504, 0, null, true));
        assertEquals(Action.FALLBACK, after(custom, 504, 1, null, true).action());
        assertEquals(Action.FALLBACK, after(custom, 400, 0, null, true).action());
        assertEquals(Action.RESPOND, after(custom, 503, 0, null, true).action());
    }
}
