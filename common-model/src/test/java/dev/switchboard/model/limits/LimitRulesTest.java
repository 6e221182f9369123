package dev.switchboard.model.limits;

import static dev.switchboard.model.limits.Fixtures.ALICE;
import static dev.switchboard.model.limits.Fixtures.BOB;
import static dev.switchboard.model.limits.Fixtures.CAROL;
import static dev.switchboard.model.limits.Fixtures.CI;
import static dev.switchboard.model.limits.Fixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SubjectRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitRulesTest {

    private static List<String> keys(Applied applied) {
        return applied.limits().stream().map(a -> a.key().wire()).toList();
    }

    @Test
    void perSubjectCountsAListedTeamAsOnePoolAndAListedUserAlone() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: rpm, subjects: [team:ml, user:alice], requests: 10, per: minute}
                """);
        assertEquals(List.of("rate_limit|rpm|minute|user:alice", "rate_limit|rpm|minute|team:ml"),
                keys(rules.match(ALICE, "openai/gpt-4o", Map.of())));
        assertEquals(List.of("rate_limit|rpm|minute|team:ml"), keys(rules.match(BOB, "openai/gpt-4o", Map.of())));
        assertTrue(rules.match(CAROL, "openai/gpt-4o", Map.of()).isEmpty());
    }

    @Test
    void aTeamsOwnApiKeyIsCountedOnTheTeamsRules() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: rpm, subjects: [team:ml], requests: 10, per: minute}
                  - {name: per-member, subjects: [team:ml], requests: 5, per: minute, counting: per_member}
                """);
        Caller teamKey = Caller.of(new Principal(SubjectRef.team("ml"), List.of(), "api_key:ml-shared"));
        assertEquals(List.of("rate_limit|rpm|minute|team:ml", "rate_limit|per-member|minute|team:ml"),
                keys(rules.match(teamKey, "openai/gpt-4o", Map.of())));
        assertTrue(rules.coversModels());
        assertFalse(rules.coversTools());
    }

    @Test
    void perMemberGivesEachTeamMemberTheirOwnCounter() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: rpm, subjects: [team:ml], requests: 10, per: minute, counting: per_member}
                """);
        assertEquals(List.of("rate_limit|rpm|minute|user:alice"), keys(rules.match(ALICE, "assistant", Map.of())));
        assertEquals(List.of("rate_limit|rpm|minute|user:bob"), keys(rules.match(BOB, "assistant", Map.of())));
    }

    @Test
    void sharedIsOnePoolForEverySubjectOfTheRule() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: rpm, subjects: [team:ml, user:carol, service_account:ci], requests: 10, per: minute,
                     counting: shared}
                """);
        for (Caller c : List.of(ALICE, BOB, CAROL, CI)) {
            assertEquals(List.of("rate_limit|rpm|minute|*"), keys(rules.match(c, "assistant", Map.of())));
        }
    }

    @Test
    void aTeamClaimedByTheTokenCoversTheCallerLikeAConfigTeam() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: research-rpm, subjects: [team:research], requests: 10, per: minute}
                """);
        assertTrue(rules.match(ALICE, "assistant", Map.of()).isEmpty());
        Caller claiming = Caller.of(SubjectRef.user("alice"), List.of("research", "unknown-team"), null);
        assertEquals(List.of("rate_limit|research-rpm|minute|team:research"),
                keys(rules.match(claiming, "assistant", Map.of())));
        Caller both = Caller.of(SubjectRef.user("carol"), List.of("research"), null);
        assertEquals(1, rules.match(both, "assistant", Map.of()).limits().size());
    }

    @Test
    void apiKeySubjectCoversOnlyRequestsMadeWithThatKey() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: key-rpm, subjects: [api_key:alice-laptop], requests: 10, per: minute, counting: per_member}
                """);
        assertTrue(rules.match(ALICE, "assistant", Map.of()).isEmpty());
        assertEquals(List.of("rate_limit|key-rpm|minute|api_key:alice-laptop"),
                keys(rules.match(ALICE.withApiKey("alice-laptop"), "assistant", Map.of())));
    }

    @Test
    void modelsMatchByNameAccountWildcardOrStar() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: exact, subjects: [user:alice], models: [assistant], requests: 1, per: minute}
                  - {name: account, subjects: [user:alice], models: [openai/*], requests: 1, per: minute}
                  - {name: star, subjects: [user:alice], requests: 1, per: minute}
                """);
        assertEquals(List.of("rate_limit|account|minute|user:alice", "rate_limit|star|minute|user:alice"),
                keys(rules.match(ALICE, "openai/gpt-4o", Map.of())));
        assertEquals(List.of("rate_limit|exact|minute|user:alice", "rate_limit|star|minute|user:alice"),
                keys(rules.match(ALICE, "assistant", Map.of())));
    }

    @Test
    void eachMetadataValueHasItsCounterAndAMissingFieldCountsAsEmpty() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: per-customer, subjects: [team:ml], requests: 10, per: hour, per_metadata: customer_id}
                """);
        assertEquals(List.of("rate_limit|per-customer|hour|team:ml|acme"),
                keys(rules.match(ALICE, "assistant", Map.of("customer_id", "acme", "other", "x"))));
        assertEquals(List.of("rate_limit|per-customer|hour|team:ml|"), keys(rules.match(ALICE, "assistant", Map.of())));
        assertEquals(keys(rules.match(ALICE, "assistant", Map.of())),
                keys(rules.match(BOB, "assistant", Map.of("customer_id", ""))));
        String huge = "x".repeat(1000);
        assertEquals(LimitRules.MAX_METADATA_CHARS, rules.match(ALICE, "assistant", Map.of("customer_id", huge))
                .limits().get(0).key().metadata().length());
    }

    @Test
    void budgetsApplyOnlyToPricedModels() {
        LimitRules rules = rules("""
                budgets:
                  - {name: ml-monthly, subjects: [team:ml], limit_usd: 100, per: month}
                """);
        assertTrue(rules.match(ALICE, "openai/gpt-4o", Map.of()).hasBudget());
        assertTrue(rules.match(ALICE, "assistant", Map.of()).hasBudget());
        assertFalse(rules.match(ALICE, "openai/local-llama", Map.of()).hasBudget());
        assertFalse(rules.match(ALICE, "free-only", Map.of()).hasBudget());
        assertEquals(java.util.Set.of("openai/local-llama", "free-only"), rules.unpricedModels());
        assertEquals(100_000_000L, rules.budget("ml-monthly").limitMicroUsd());
    }

    @Test
    void aModelPricedOnlyPerImageSecondOrCharacterIsPricedForBudgets() {
        String models = "- {id: local-llama}\n"
                + "      - {id: dall-e-3, price: {per_image_usd: 0.04}}\n"
                + "      - {id: whisper-1, price: {per_audio_second_usd: 0.0001}}\n"
                + "      - {id: tts-1, price: {per_million_characters_usd: 15}}\n"
                + "      - {id: free-image, price: {per_image_usd: 0}}\n";
        String config = Fixtures.BASE.replace("- {id: local-llama}\n", models)
                + "budgets: [{name: ml-monthly, subjects: ['team:ml'], limit_usd: 100, per: month}]\n";
        LimitRules rules = LimitRules.compile(ConfigCodec.loadYaml(config, 1, Instant.EPOCH).config());
        for (String model : List.of("openai/dall-e-3", "openai/whisper-1", "openai/tts-1")) {
            assertTrue(rules.match(ALICE, model, Map.of()).hasBudget(), model);
        }
        assertFalse(rules.match(ALICE, "openai/free-image", Map.of()).hasBudget());
        assertTrue(rules.unpricedModels().contains("openai/free-image"));
    }

    @Test
    void mcpRulesMatchServerAndToolAndNeverModelRequests() {
        LimitRules rules = rules("""
                rate_limits:
                  - {name: issues, subjects: [team:ml], mcp_servers: [github], tools: [create_issue], requests: 5,
                     per: minute}
                  - {name: any-tool, subjects: [user:alice], tools: ["*"], requests: 100, per: hour}
                """);
        assertEquals(List.of("rate_limit|any-tool|hour|user:alice", "rate_limit|issues|minute|team:ml"),
                keys(rules.matchTool(ALICE, "github", "create_issue", Map.of())));
        assertEquals(List.of("rate_limit|any-tool|hour|user:alice"),
                keys(rules.matchTool(ALICE, "jira", "create_issue", Map.of())));
        assertEquals(List.of("rate_limit|any-tool|hour|user:alice"),
                keys(rules.matchTool(ALICE, "github", "search", Map.of())));
        assertTrue(rules.match(ALICE, "assistant", Map.of()).isEmpty());
        assertTrue(rules.rateLimit("issues").mcp());
    }

    @Test
    void noRuleMeansTheSharedEmptyAnswer() {
        assertSame(Applied.NONE, LimitRules.EMPTY.match(ALICE, "assistant", Map.of()));
    }

    @Test
    void counterKeysSurviveTheWire() {
        CounterKey key = rules("""
                rate_limits:
                  - {name: per-customer, subjects: [team:ml], requests: 10, per: hour, per_metadata: customer_id}
                """).match(ALICE, "assistant", Map.of("customer_id", "a|b")).limits().get(0).key();
        assertEquals(key, CounterKey.parse(key.wire()));
        CounterKey plain = new CounterKey(Family.BUDGET, "b", dev.switchboard.model.config.Period.MONTH, "*", null);
        assertEquals(plain, CounterKey.parse(plain.wire()));
    }
}
