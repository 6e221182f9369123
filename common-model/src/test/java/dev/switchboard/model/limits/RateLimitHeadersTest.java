package dev.switchboard.model.limits;

import static dev.switchboard.model.limits.Fixtures.ALICE;
import static dev.switchboard.model.limits.Fixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.switchboard.testsupport.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    private final TestClock clock = new TestClock("2026-12-07T10:30:15.250Z");
    private final LimitCounters counters = new LimitCounters(clock, "r");
    private final LimitRules rules = rules("""
            rate_limits:
              - {name: team-ml-rpm, subjects: [team:ml], requests: 2, tokens: 5000, per: minute}
            budgets:
              - {name: ml-monthly, subjects: [team:ml], limit_usd: 250, per: month}
            """);

    private Map<String, String> openAi(Decision d) {
        Map<String, String> h = new LinkedHashMap<>();
        RateLimitHeaders.openAi(d, clock.instant(), h::put);
        return h;
    }

    private Map<String, String> anthropic(Decision d) {
        Map<String, String> h = new LinkedHashMap<>();
        RateLimitHeaders.anthropic(d, clock.instant(), h::put);
        return h;
    }

    @Test
    void durationsAreWrittenAsOpenAiWritesThem() {
        assertEquals("20ms", RateLimitHeaders.duration(Duration.ofMillis(20)));
        assertEquals("1s", RateLimitHeaders.duration(Duration.ofSeconds(1)));
        assertEquals("1.5s", RateLimitHeaders.duration(Duration.ofMillis(1500)));
        assertEquals("6m0s", RateLimitHeaders.duration(Duration.ofMinutes(6)));
        assertEquals("1h2m3s", RateLimitHeaders.duration(Duration.ofSeconds(3723)));
        assertEquals("2h0m0.01s", RateLimitHeaders.duration(Duration.ofHours(2).plusMillis(10)));
        assertEquals("0s", RateLimitHeaders.duration(Duration.ofMillis(-5)));
        assertEquals("1.005s", RateLimitHeaders.duration(Duration.ofMillis(1005)));
        assertEquals("1.05s", RateLimitHeaders.duration(Duration.ofMillis(1050)));
        assertEquals("1.12s", RateLimitHeaders.duration(Duration.ofMillis(1120)));
        assertEquals("59.999s", RateLimitHeaders.duration(Duration.ofMillis(59_999)));
        for (int ms = 1; ms < 1000; ms++) {
            // every fraction: three digits without their trailing zeros
            String digits = Integer.toString(1000 + ms).substring(1).replaceAll("0+$", "");
            assertEquals("3." + digits + "s", RateLimitHeaders.duration(Duration.ofMillis(3000 + ms)));
        }
    }

    @Test
    void everyCoveredAnswerCarriesTheOpenAiHeaders() {
        Decision d = counters.admit(rules.match(ALICE, "openai/gpt-4o-mini", Map.of()), 0.01);
        assertEquals(Map.of(
                "x-ratelimit-limit-requests", "2",
                "x-ratelimit-remaining-requests", "1",
                "x-ratelimit-reset-requests", "44.75s",
                "x-ratelimit-limit-tokens", "5000",
                "x-ratelimit-remaining-tokens", "5000",
                "x-ratelimit-reset-tokens", "44.75s"), openAi(d));
    }

    @Test
    void aRefusalAddsRetryAfterInWholeSecondsRoundedUp() {
        Applied applied = rules.match(ALICE, "openai/gpt-4o-mini", Map.of());
        counters.admit(applied);
        counters.admit(applied);
        Refusal r = assertInstanceOf(Refusal.class, counters.admit(applied));
        Map<String, String> h = openAi(r);
        assertEquals("0", h.get("x-ratelimit-remaining-requests"));
        assertEquals("45", h.get("retry-after"));
        clock.set("2026-12-07T10:30:59.999Z");
        assertEquals(1, RateLimitHeaders.retryAfterSeconds(r, clock.instant()));
        clock.set("2026-12-07T10:31:30Z");
        assertEquals(1, RateLimitHeaders.retryAfterSeconds(r, clock.instant()), "never 0: no retry storm");
        assertEquals("Rate limit 'team-ml-rpm' reached: 2 requests per minute. It resets at 2026-12-07T10:31:00Z.",
                r.message());
    }

    @Test
    void anthropicHeadersGiveTheResetAsAnInstant() {
        Decision d = counters.admit(rules.match(ALICE, "openai/gpt-4o-mini", Map.of()));
        Map<String, String> h = anthropic(d);
        assertEquals("2", h.get("anthropic-ratelimit-requests-limit"));
        assertEquals("1", h.get("anthropic-ratelimit-requests-remaining"));
        assertEquals("2026-12-07T10:31:00Z", h.get("anthropic-ratelimit-requests-reset"));
        assertEquals("5000", h.get("anthropic-ratelimit-tokens-remaining"));
        assertEquals("2026-12-07T10:31:00Z", h.get("anthropic-ratelimit-tokens-reset"));
        assertEquals(6, h.size());
    }

    @Test
    void aBudgetRefusalNamesTheBudgetAndItsResetButNotTheSpend() {
        Decision d = counters.admit(rules.match(ALICE, "openai/gpt-4o-mini", Map.of()), 300);
        Refusal r = assertInstanceOf(Refusal.class, d);
        assertEquals("Budget 'ml-monthly' (250 USD per month) has no room left for this request. It resets at "
                + "2027-01-01T00:00:00Z.", r.message());
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), r.retryAt());
        assertEquals(String.valueOf(Duration.between(clock.instant(), r.retryAt()).toMillis() / 1000 + 1),
                openAi(r).get("retry-after"));
    }
}
