package dev.switchboard.controlplane.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.ResourceKind;
import org.junit.jupiter.api.Test;

class ResourceSummariesTest {

    @Test
    void aProviderAccountSaysASecretIsSetWithoutShowingIt() {
        assertEquals("openai · auth api-key (secret set)", ResourceSummaries.details(ResourceKind.PROVIDER_ACCOUNTS,
                json("{\"name\": \"p\", \"type\": \"openai\", \"auth\": {\"type\": \"api-key\", \"api_key\": {\"sealed\": \"***\"}}}")));
    }

    @Test
    void aModelShowsItsPrices() {
        assertEquals("chat · $2.5 in / $10 out per 1M tokens", ResourceSummaries.details(ResourceKind.MODELS,
                json("{\"id\": \"m\", \"price\": {\"input_per_million_usd\": 2.5, \"output_per_million_usd\": 10}}")));
    }

    @Test
    void aModelShowsItsPerUnitPricesWhereItHasThem() {
        assertEquals("chat · $0 in / $0 out per 1M tokens · $0.04 per image", ResourceSummaries.details(
                ResourceKind.MODELS, json("{\"id\": \"dall-e-3\", \"price\": {\"per_image_usd\": 0.04}}")));
        assertEquals("chat · $0 in / $0 out per 1M tokens · $0.0001 per second of audio · $15 per 1M characters",
                ResourceSummaries.details(ResourceKind.MODELS, json("{\"id\": \"m\", \"price\": "
                        + "{\"per_audio_second_usd\": 0.0001, \"per_million_characters_usd\": 15}}")));
    }

    @Test
    void aVirtualModelListsItsTargetsWithTheirWeights() {
        assertEquals("weight-based-routing · a/x (weight 70), a/y (weight 30)", ResourceSummaries.details(
                ResourceKind.VIRTUAL_MODELS, json("""
                        {"name": "v", "routing_config": {"type": "weight-based-routing", "load_balance_targets": [
                          {"target": "a/x", "weight": 70}, {"target": "a/y", "weight": 30}]}}""")));
    }

    @Test
    void aBudgetsUsageIsItsHighestCounterAgainstTheLimit() {
        assertEquals("team:ml: $42.50 of $50.00 (85.0%) · 2 counters", ResourceSummaries.usage(true, json("""
                {"per": "month", "limit_usd": 50, "counters": [
                  {"member": "team:ml", "spent_usd": 42.5, "percent": 85.0},
                  {"member": "team:ops", "spent_usd": 1, "percent": 2.0}]}""")));
        assertEquals("no spend this month", ResourceSummaries.usage(true, json("{\"per\": \"month\", \"counters\": []}")));
    }

    @Test
    void aRateLimitsUsageIsItsBusiestCounterInTheWindow() {
        assertEquals("user:alice: 42 of 60 requests · 3 counters", ResourceSummaries.usage(false, json("""
                {"per": "minute", "metric": "requests", "limits": {"requests": 60}, "counters": 3,
                 "top": [{"member": "user:alice", "requests": 42}]}""")));
    }

    private static JsonNode json(String text) {
        try {
            return ConfigJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
