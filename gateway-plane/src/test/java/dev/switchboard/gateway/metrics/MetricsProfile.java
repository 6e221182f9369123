package dev.switchboard.gateway.metrics;

import dev.switchboard.gateway.limits.ShiftedClock;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.runtime.feed.FeedSettings;
import dev.switchboard.runtime.telemetry.TelemetrySettings;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A gateway of its own for the metrics: two fake OpenAI accounts behind a priority virtual model (retry, then fallback),
 * a rate limit, an input guardrail, request logs published to NATS (so the telemetry series exist), and a clock the
 * test can move to the start of a minute.
 */
public class MetricsProfile implements QuarkusTestProfile {

    public static final String ALICE_KEY = "sk-sb-metrics-alice-00000000";
    public static final String BOB_KEY = "sk-sb-metrics-bob-0000000000";
    static final String STREAM = "GW_METRICS_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
            .toUpperCase();

    public static FakeOpenAi primary;
    public static FakeOpenAi secondary;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Resource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(ShiftedClock.class);
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            primary = FakeOpenAi.start();
            secondary = FakeOpenAi.start();
            try {
                Path dir = Files.createTempDirectory("switchboard-metrics-test");
                Path config = dir.resolve("gateway.yaml");
                Files.writeString(config, config(primary.baseUrl(), secondary.baseUrl()));
                return Map.of("switchboard.config", config.toString(), "switchboard.config-poll-interval", "100ms",
                        TelemetrySettings.ENABLED, "true",
                        FeedSettings.NATS_URL, LocalStack.get().natsUrl(),
                        FeedSettings.BUCKET, "no-such-bucket-" + STREAM.toLowerCase(),
                        FeedSettings.CACHE_FILE, dir.resolve("snapshot.json.gz").toString(),
                        TelemetrySettings.STREAM, STREAM,
                        TelemetrySettings.SUBJECT_PREFIX, "test.metrics." + STREAM.toLowerCase() + ".",
                        TelemetrySettings.INSTANCE_ID, "gw-metrics-" + STREAM.toLowerCase());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (primary != null) {
                primary.close();
            }
            if (secondary != null) {
                secondary.close();
            }
        }
    }

    static String config(String primaryUrl, String secondaryUrl) {
        return """
                provider_accounts:
                  - name: primary
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-primary}
                    models:
                      - id: gpt-4o-mini
                        price: {input_per_million_usd: 1.0, output_per_million_usd: 2.0}
                      - id: gpt-4o
                  - name: secondary
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-secondary}
                    models: [{id: gpt-4o-mini}]
                virtual_models:
                  - name: assistant
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets:
                        - target: primary/gpt-4o-mini
                          priority: 0
                          retry_config: {attempts: 1, delay_ms: 10}
                        - target: secondary/gpt-4o-mini
                          priority: 1
                users:
                  - {name: alice}
                  - {name: bob}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                  - {name: bob-key, subject: user:bob, key_hash: %s}
                access_rules:
                  - {subjects: [user:alice, user:bob], models: ["*"]}
                rate_limits:
                  - {name: bob-rpm, subjects: [user:bob], requests: 1, per: minute}
                guardrails:
                  - name: no-cloud-keys
                    type: secrets
                    hooks: [llm_input]
                    models: [primary/gpt-4o-mini]
                    secrets: {detect: [aws_access_key]}
                """.formatted(primaryUrl, secondaryUrl, ApiKey.hashOf(ALICE_KEY), ApiKey.hashOf(BOB_KEY));
    }
}
