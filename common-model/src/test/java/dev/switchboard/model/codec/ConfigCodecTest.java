package dev.switchboard.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.config.Budget;
import dev.switchboard.model.config.Counting;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.Period;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.config.RateLimit;
import dev.switchboard.model.config.RetryConfig;
import dev.switchboard.model.config.RoutingType;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import dev.switchboard.testsupport.DocExamples;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCodecTest {

    static final SecretSealer SEALER = SecretSealer.fromBase64Key(Base64.getEncoder().encodeToString(new byte[32]));
    static final String EXAMPLE = DocExamples.completeExample("configuration.md");

    @Test
    void aYamlConfigOfTensOfThousandsOfKeysIsRead() {
        // SnakeYAML refuses documents over 3 MiB unless told otherwise: this one is about 6 MB
        StringBuilder yaml = new StringBuilder("service_accounts:\n  - name: ci\napi_keys:\n");
        int keys = 50_000;
        for (int i = 0; i < keys; i++) {
            yaml.append("  - name: key-").append(i).append("\n    subject: service_account:ci\n")
                    .append("    key_hash: sha256:").append(String.format("%064x", i)).append('\n');
        }
        assertTrue(yaml.length() > 3 * 1024 * 1024, "the document is over SnakeYAML's default limit");
        assertEquals(keys, ConfigCodec.readYaml(yaml.toString()).apiKeys().size());
    }

    @Test
    void aSubjectWrittenAsAnObjectIsAnErrorWithItsPathNotACrash() {
        // found by ConfigFileFuzzTest: `[service_account: ci]` is a YAML map, which became a SubjectRef without a kind
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCodec.loadYaml("""
                service_accounts:
                  - name: ci
                access_rules:
                  - name: all
                    subjects: [service_account: ci]
                    models: ["*"]
                """, 1, Instant.EPOCH));
        assertTrue(e.errors().stream().anyMatch(err -> err.path().startsWith("access_rules[0].subjects")
                && err.message().contains("must be user:<name>")), e.errors()::toString);
    }

    @Test
    void documentedExampleParsesAndValidates() {
        ConfigSnapshot snapshot = ConfigCodec.loadYaml(EXAMPLE, 7, Instant.EPOCH);
        SwitchboardConfig c = snapshot.config();
        assertEquals(4, c.providerAccounts().size());
        assertEquals(3, c.virtualModels().size());
        VirtualModel assistant = c.virtualModels().get(0);
        assertEquals(RoutingType.PRIORITY, assistant.routingConfig().type());
        assertEquals(80.0, assistant.routingConfig().slaCutoff().timePerOutputTokenMs());
        assertEquals(180, assistant.routingConfig().slaCutoff().windowSeconds());
        LoadBalanceTarget first = assistant.routingConfig().loadBalanceTargets().get(0);
        assertEquals(1, first.retryConfig().attempts());
        assertEquals(200, first.retryConfig().delayMs());
        assertEquals(List.of(429, 500, 502, 503), first.retryConfig().onStatusCodes(), "unset fields keep defaults");
        assertEquals(List.of(401, 403, 404, 429, 500, 502, 503), first.fallbackStatusCodes());
        assertEquals(Secret.fromEnv("OPENAI_API_KEY"), c.providerAccounts().get(0).auth().apiKey());
        assertEquals("https://api.openai.com/v1", c.providerAccounts().get(0).effectiveBaseUrl());
        assertEquals(60000, c.providerAccounts().get(1).effectiveTimeouts().firstByteMs());
        assertEquals(5000, c.providerAccounts().get(1).effectiveTimeouts().connectMs());
    }

    @Test
    void defaultsMatchTheSeed() {
        RetryConfig retry = RetryConfig.DEFAULTS;
        assertEquals(2, retry.attempts());
        assertEquals(100, retry.delayMs());
        assertEquals(List.of(429, 500, 502, 503), retry.onStatusCodes());
        assertEquals(List.of(401, 403, 404, 429, 500, 502, 503),
                new LoadBalanceTarget("a/b", null, 0, null, null).fallbackStatusCodes());
        SwitchboardConfig empty = ConfigCodec.readYaml("{}");
        assertEquals(2, empty.healthPolicy().failureThreshold());
        assertEquals(120, empty.healthPolicy().windowSeconds());
        assertTrue(empty.healthPolicy().isFailure(503));
        assertTrue(empty.healthPolicy().isFailure(429));
        assertTrue(empty.healthPolicy().isFailure(401));
        assertFalse(empty.healthPolicy().isFailure(404));
        assertFalse(empty.healthPolicy().isFailure(200));
    }

    @Test
    void yamlRoundTripKeepsEveryField() {
        SwitchboardConfig original = ConfigCodec.readYaml(EXAMPLE);
        String written = ConfigCodec.writeYaml(original, null);
        assertEquals(original, ConfigCodec.readYaml(written));
    }

    @Test
    void limitFieldsRoundTripAndOldLimitsKeepTheirMeaning() {
        SwitchboardConfig config = ConfigCodec.readYaml("""
                rate_limits:
                  - name: old
                    subjects: [user:bob]
                    requests: 60
                    tokens: 100000
                    per: minute
                  - name: per-customer
                    subjects: [team:ml, api_key:ci-key]
                    models: [openai-main/*]
                    input_tokens: 50000
                    output_tokens: 10000
                    per: hour
                    counting: per_member
                    per_metadata: customer_id
                  - name: github-calls
                    subjects: [team:ml]
                    mcp_servers: [github]
                    tools: [create_issue]
                    requests: 20
                    per: minute
                budgets:
                  - {name: old-budget, subjects: [service_account:ci], limit_usd: 250, per: month}
                  - name: ml-daily
                    subjects: [team:ml]
                    limit_usd: 40.5
                    per: day
                    counting: shared
                    alert_thresholds: [25, 75, 100]
                    alert_webhook: https://hooks.example.com/budgets
                """);
        RateLimit old = config.rateLimits().get(0);
        assertEquals(new RateLimit("old", List.of(SubjectRef.user("bob")), null, 60L, 100000L, Period.MINUTE), old);
        assertEquals(List.of("*"), old.models());
        assertEquals(Counting.PER_SUBJECT, old.counting());
        RateLimit perCustomer = config.rateLimits().get(1);
        assertEquals(SubjectRef.apiKey("ci-key"), perCustomer.subjects().get(1));
        assertEquals(Counting.PER_MEMBER, perCustomer.counting());
        assertEquals("customer_id", perCustomer.perMetadata());
        assertEquals(50000L, perCustomer.inputTokens());
        RateLimit mcp = config.rateLimits().get(2);
        assertTrue(mcp.mcp());
        assertEquals(List.of(), mcp.models());
        assertEquals(Budget.DEFAULT_ALERT_THRESHOLDS, config.budgets().get(0).alertThresholds());
        assertEquals(Counting.SHARED, config.budgets().get(1).counting());
        assertEquals("https://hooks.example.com/budgets", config.budgets().get(1).alertWebhook());

        String yaml = ConfigCodec.writeYaml(config, null);
        assertEquals(config, ConfigCodec.readYaml(yaml));
        assertTrue(yaml.contains("per_metadata: customer_id"), yaml);
        assertTrue(yaml.contains("api_key:ci-key"), yaml);
        assertTrue(yaml.contains("input_tokens: 50000"), yaml);
        assertEquals(config, ConfigCodec.readJson(ConfigCodec.writeJson(config, null)));
    }

    @Test
    void jsonRoundTripKeepsEveryField() {
        SwitchboardConfig original = ConfigCodec.readYaml(EXAMPLE);
        String json = ConfigCodec.writeJson(original, null);
        assertEquals(original, ConfigCodec.readJson(json));
        assertTrue(json.contains("\"routing_config\""), json);
        assertTrue(json.contains("\"load_balance_targets\""), json);
        assertTrue(json.contains("\"type\":\"priority-based-routing\""), json);
    }

    @Test
    void snapshotRoundTripCarriesRevisionAndSealedSecrets() {
        SwitchboardConfig config = withClearKey("sk-live-abcdef123456");
        ConfigSnapshot snapshot = ConfigCodec.validated(config, 42, Instant.parse("2026-11-25T10:00:00Z"));
        byte[] wire = ConfigCodec.writeSnapshot(snapshot, SEALER);
        String text = new String(wire);
        assertFalse(text.contains("sk-live-abcdef123456"), "secret in clear on the wire: " + text);
        ConfigSnapshot back = ConfigCodec.readSnapshot(wire);
        assertEquals(42, back.revision());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), back.createdAt());
        Secret key = back.config().providerAccounts().get(0).auth().apiKey();
        assertEquals(Secret.Source.SEALED, key.source());
        assertEquals("sk-live-abcdef123456", new SecretResolver(SEALER, Map.<String, String>of()::get).reveal(key));
    }

    @Test
    void clearSecretIsNeverWrittenWithoutMasterKey() {
        SwitchboardConfig config = withClearKey("sk-live-abcdef123456");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigCodec.writeYaml(config, null));
        assertFalse(e.getMessage().contains("sk-live"), e.getMessage());
        assertTrue(e.getMessage().contains("master key"), e.getMessage());
    }

    @Test
    void unknownFieldIsAnErrorWithItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCodec.readYaml("""
                virtual_models:
                  - name: a
                    routing_config:
                      type: priority-based-routing
                      load_balance_target: []
                """));
        assertEquals(List.of(new ConfigError("virtual_models[0].routing_config.load_balance_target",
                "unknown field 'load_balance_target'")), e.errors());
    }

    @Test
    void everyUnknownFieldIsReportedTogetherWithTheValidationErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCodec.loadYaml("""
                provider_accounts:
                  - name: "bad name"
                    typo_one: 1
                    type: openai
                    auth: {type: api-key, api_key: k, extra: {nested: [1, 2]}}
                    models: [{id: m, colour: red}]
                """, 1, Instant.EPOCH));
        // an object's unknown fields are reported once the object is read: inner ones first
        assertEquals(List.of(
                new ConfigError("provider_accounts[0].auth.extra", "unknown field 'extra'"),
                new ConfigError("provider_accounts[0].models[0].colour", "unknown field 'colour'"),
                new ConfigError("provider_accounts[0].typo_one", "unknown field 'typo_one'"),
                new ConfigError("provider_accounts[0].name", "must start with a letter or digit and contain only"
                        + " letters, digits, '.', '_' and '-' (max 128)")), e.errors());
    }

    @Test
    void aPartReadPastItsUnknownFieldsGivesThemWithPathsRelativeToIt() {
        List<ConfigError> unknown = new java.util.ArrayList<>();
        ProviderAccount a = ConfigCodec.readJson("""
                {"name": "x", "type": "openai", "auth": {"type": "none", "apikey": "k"}, "colour": [1, {"a": 2}],
                 "models": []}""", ProviderAccount.class, unknown);
        assertEquals("x", a.name());
        assertEquals(ProviderAuth.Type.NONE, a.auth().type());
        assertEquals(List.of(new ConfigError("auth.apikey", "unknown field 'apikey'"),
                new ConfigError("colour", "unknown field 'colour'")), unknown);
    }

    @Test
    void unknownFieldsFoundBeforeAValueThatCannotBeReadAreKept() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigCodec.readYaml("provider_accounts: [{name: x, typo: 1, type: openai}, {name: y, type: azure}]"));
        assertEquals(List.of("provider_accounts[0].typo", "provider_accounts[1].type"),
                e.errors().stream().map(ConfigError::path).toList());
    }

    @Test
    void wrongValueIsAnErrorWithItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCodec.readYaml("""
                provider_accounts:
                  - name: x
                    type: openai
                    models:
                      - id: m
                        price: {input_per_million_usd: lots}
                """));
        assertEquals("provider_accounts[0].models[0].price.input_per_million_usd", e.errors().get(0).path());
    }

    @Test
    void unknownEnumValueNamesTheField() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigCodec.readYaml("provider_accounts: [{name: x, type: azure}]"));
        assertEquals("provider_accounts[0].type", e.errors().get(0).path());
    }

    @Test
    void badSubjectSaysTheAcceptedForms() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigCodec.readYaml("access_rules: [{subjects: [alice], models: ['*']}]"));
        assertEquals(new ConfigError("access_rules[0].subjects[0]",
                "must be user:<name>, team:<name>, service_account:<name> or (in rate limits and budgets) api_key:<name>, got 'alice'"), e.errors().get(0));
    }

    @Test
    void malformedYamlSaysWhere() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigCodec.readYaml("a: [b\nc: d"));
        assertTrue(e.errors().get(0).message().startsWith("not valid YAML at line"), e.getMessage());
    }

    static SwitchboardConfig withClearKey(String key) {
        return SwitchboardConfig.builder().providerAccounts(List.of(new ProviderAccount("openai-main",
                ProviderType.OPENAI, null, ProviderAuth.apiKey(Secret.clear(key)), null, List.of()))).build();
    }
}
