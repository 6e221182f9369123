package dev.switchboard.model.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.testsupport.DocExamples;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigSnapshotTest {

    private final ConfigSnapshot snapshot =
            ConfigCodec.loadYaml(DocExamples.completeExample("configuration.md"), 3, Instant.EPOCH);

    @Test
    void apiKeyIsFoundByTheHashOfItsClearValue() {
        ApiKey key = snapshot.apiKeyByHash(ApiKey.hashOf("sk-sb-alice-example-key")).orElseThrow();
        assertEquals("alice-laptop", key.name());
        assertEquals(SubjectRef.user("alice"), key.subject());
        assertTrue(snapshot.apiKeyByHash(ApiKey.hashOf("sk-wrong")).isEmpty());
    }

    @Test
    void expiredOrDisabledKeysAreNotUsable() {
        ApiKey ci = snapshot.apiKeyByHash(ApiKey.hashOf("sk-sb-demo-0123456789abcdef")).orElseThrow();
        assertTrue(ci.usableAt(Instant.parse("2027-06-29T23:59:59Z")));
        assertFalse(ci.usableAt(Instant.parse("2027-06-30T00:00:00Z")));
        assertFalse(new ApiKey("k", ci.subject(), ci.keyHash(), null, true).usableAt(Instant.EPOCH));
    }

    @Test
    void modelsResolveByFullNameWithTheirAccount() {
        ModelRef ref = snapshot.model("local-vllm/meta/llama-3.1-8b-instruct").orElseThrow();
        assertEquals("local-vllm", ref.account().name());
        assertEquals("meta/llama-3.1-8b-instruct", ref.model().id());
        assertTrue(snapshot.model("gpt-4o-mini").isEmpty());
        assertTrue(snapshot.virtualModel("production-assistant").isPresent());
    }

    @Test
    void teamMembersInheritTheTeamsGrants() {
        SubjectRef alice = SubjectRef.user("alice");
        assertTrue(snapshot.isAllowed(alice, List.of(), "anthropic-main/claude-sonnet-4-5"));
        assertTrue(snapshot.isAllowed(alice, List.of(), "eval-split"));
    }

    @Test
    void grantsAreExactlyWhatTheRulesSay() {
        SubjectRef bob = SubjectRef.user("bob");
        assertEquals(Set.of("openai-main/gpt-4o-mini", "production-assistant"), snapshot.allowedModels(bob, List.of()));
        assertFalse(snapshot.isAllowed(bob, List.of(), "anthropic-main/claude-sonnet-4-5"));
        assertEquals(Set.of("openai-main/gpt-4o-mini", "openai-main/text-embedding-3-small", "eval-split"),
                snapshot.allowedModels(SubjectRef.serviceAccount("ci-bot"), List.of()));
    }

    @Test
    void teamsClaimedByATokenAddTheirGrants() {
        SubjectRef stranger = SubjectRef.user("carol@example.com");
        assertFalse(snapshot.isAllowed(stranger, List.of(), "eval-split"));
        assertTrue(snapshot.isAllowed(stranger, List.of("ml-platform"), "eval-split"));
    }

    @Test
    void usersAreFoundByNameOrEmail() {
        assertEquals("alice", snapshot.user("ALICE@example.com").orElseThrow().name());
        assertEquals("bob", snapshot.user("bob").orElseThrow().name());
        assertTrue(snapshot.user("nobody").isEmpty());
    }
}
