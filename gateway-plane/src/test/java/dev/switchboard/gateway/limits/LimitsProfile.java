package dev.switchboard.gateway.limits;

import dev.switchboard.model.config.ApiKey;
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

/** A gateway of its own with rate limits and budgets, a fake OpenAI behind it, and a clock the tests can move. */
public class LimitsProfile implements QuarkusTestProfile {

    public static final String ALICE_KEY = "sk-sb-limits-alice-000000000";
    public static final String ERIN_KEY = "sk-sb-limits-erin-0000000000";
    public static final String CAROL_KEY = "sk-sb-limits-carol-000000000";
    public static final String DAVE_KEY = "sk-sb-limits-dave-0000000000";
    public static final String FRANK_KEY = "sk-sb-limits-frank-000000000";
    public static final String GINA_KEY = "sk-sb-limits-gina-0000000000";
    /** The ops team's own key: a team, not a user, is its subject. */
    public static final String OPS_KEY = "sk-sb-limits-ops-00000000000";

    public static FakeOpenAi openAi;

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
            openAi = FakeOpenAi.start();
            try {
                Path config = Files.createTempFile("switchboard-limits-test", ".yaml");
                Files.writeString(config, config(openAi.baseUrl()));
                return Map.of("switchboard.config", config.toString(), "switchboard.config-poll-interval", "100ms");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (openAi != null) {
                openAi.close();
            }
        }
    }

    static String config(String baseUrl) {
        return """
                provider_accounts:
                  - name: fake
                    type: openai-compatible
                    base_url: %s
                    auth: {type: api-key, api_key: sk-upstream-secret-value}
                    models:
                      - id: gpt-4o-mini
                        price: {input_per_million_usd: 1.0, output_per_million_usd: 2.0}
                      - id: gpt-4o
                      - id: dall-e-3
                        price: {per_image_usd: 0.04}
                users:
                  - {name: alice}
                  - {name: erin}
                  - {name: carol}
                  - {name: dave}
                  - {name: frank}
                  - {name: gina}
                teams:
                  - {name: ops, members: [frank]}
                api_keys:
                  - {name: alice-key, subject: user:alice, key_hash: %s}
                  - {name: erin-key, subject: user:erin, key_hash: %s}
                  - {name: carol-key, subject: user:carol, key_hash: %s}
                  - {name: dave-key, subject: user:dave, key_hash: %s}
                  - {name: frank-key, subject: user:frank, key_hash: %s}
                  - {name: ops-key, subject: team:ops, key_hash: %s}
                  - {name: gina-key, subject: user:gina, key_hash: %s}
                access_rules:
                  - {subjects: [user:alice, user:erin, user:carol, user:dave, user:frank, user:gina, team:ops],
                     models: ["*"]}
                rate_limits:
                  - {name: alice-rpm, subjects: [user:alice], requests: 2, per: minute}
                  - {name: erin-rpm, subjects: [user:erin], requests: 1, per: minute}
                  - {name: dave-per-customer, subjects: [user:dave], requests: 1, per: minute, per_metadata: customer_id}
                  - {name: ops-key-rpm, subjects: [api_key:ops-key], requests: 1, per: minute}
                budgets:
                  - {name: carol-daily, subjects: [user:carol], models: [fake/gpt-4o-mini], limit_usd: 0.001, per: day}
                  - {name: frank-daily, subjects: [user:frank], models: [fake/gpt-4o-mini], limit_usd: 0.02, per: day}
                  - {name: gina-daily, subjects: [user:gina], models: [fake/dall-e-3], limit_usd: 0.10, per: day}
                """.formatted(baseUrl, ApiKey.hashOf(ALICE_KEY), ApiKey.hashOf(ERIN_KEY), ApiKey.hashOf(CAROL_KEY),
                ApiKey.hashOf(DAVE_KEY), ApiKey.hashOf(FRANK_KEY), ApiKey.hashOf(OPS_KEY), ApiKey.hashOf(GINA_KEY));
    }
}
