package dev.switchboard.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule, with the exact path and message a user sees. */
class ConfigValidatorTest {

    private static final String ACCOUNTS = """
            provider_accounts:
              - name: db
                type: databricks
                base_url: https://ws.example.com
                auth: {type: databricks-pat, token: {env: DB_TOKEN}}
                models: [{id: llama}, {id: mixtral}]
              - name: claude
                type: anthropic
                auth: {type: api-key, api_key: {env: ANTHROPIC_API_KEY}}
                models: [{id: sonnet}]
            """;

    private static List<String> errorsOf(String yaml) {
        return ConfigValidator.validate(ConfigCodec.readYaml(yaml)).stream().map(ConfigError::toString).toList();
    }

    private static void assertErrors(String yaml, String... expected) {
        assertEquals(List.of(expected), errorsOf(yaml));
    }

    @Test
    void validConfigHasNoErrors() {
        assertEquals(List.of(), errorsOf(ACCOUNTS));
    }

    @Test
    void payloadCapsAreBoundedAndOnlyWithLoggingOn() {
        assertErrors("""
                provider_accounts:
                  - name: db
                    type: databricks
                    base_url: https://ws.example.com
                    auth: {type: databricks-pat, token: {env: DB_TOKEN}}
                    models:
                      - {id: llama, log_payloads: true, log_payloads_max_bytes: 0}
                      - {id: mixtral, log_payloads: false, log_payloads_max_bytes: 100}
                      - {id: dbrx, log_payloads: true, log_payloads_max_bytes: 65536}
                virtual_models:
                  - name: vm
                    log_payloads: true
                    log_payloads_max_bytes: 65537
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets: [{target: db/llama, weight: 100}]
                  - name: vm2
                    log_payloads_max_bytes: 4096
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets: [{target: db/llama, weight: 100}]
                """,
                "provider_accounts[0].models[0].log_payloads_max_bytes: must be between 1 and 65536",
                "provider_accounts[0].models[1].log_payloads_max_bytes: is only for log_payloads: true",
                "virtual_models[0].log_payloads_max_bytes: must be between 1 and 65536",
                "virtual_models[1].log_payloads_max_bytes: is only for log_payloads: true");
    }

    @Test
    void mcpServerPayloadCapsAreBoundedAndOnlyWithLoggingOn() {
        assertErrors("""
                mcp_servers:
                  - {name: a, url: "https://a.example.com/mcp", log_payloads: true, log_payloads_max_bytes: 0}
                  - {name: b, url: "https://b.example.com/mcp", log_payloads_max_bytes: 100}
                  - {name: c, url: "https://c.example.com/mcp", log_payloads: true, log_payloads_max_bytes: 65537}
                  - {name: d, url: "https://d.example.com/mcp", log_payloads: true, log_payloads_max_bytes: 65536}
                  - {name: e, url: "https://e.example.com/mcp", log_payloads: true}
                """,
                "mcp_servers[0].log_payloads_max_bytes: must be between 1 and 65536",
                "mcp_servers[1].log_payloads_max_bytes: is only for log_payloads: true",
                "mcp_servers[2].log_payloads_max_bytes: must be between 1 and 65536");
    }

    @Test
    void weightMustBePositive() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: split
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets:
                        - {target: db/llama, weight: 100}
                        - {target: claude/sonnet, weight: 0}
                """, "virtual_models[0].routing_config.load_balance_targets[1].weight: must be > 0");
    }

    @Test
    void weightsMustSumTo100() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: split
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets:
                        - {target: db/llama, weight: 70}
                        - {target: claude/sonnet, weight: 20}
                """, "virtual_models[0].routing_config.load_balance_targets: weights must sum to 100, got 90");
    }

    @Test
    void weightIsRequiredForWeightRoutingAndPriorityForPriorityRouting() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: a
                    routing_config:
                      type: weight-based-routing
                      load_balance_targets: [{target: db/llama}]
                  - name: b
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets: [{target: db/llama, weight: 100}, {target: db/mixtral, priority: -1}]
                """,
                "virtual_models[0].routing_config.load_balance_targets[0].weight: is required for weight-based-routing",
                "virtual_models[1].routing_config.load_balance_targets[0].weight: applies only to weight-based-routing",
                "virtual_models[1].routing_config.load_balance_targets[0].priority: is required for priority-based-routing",
                "virtual_models[1].routing_config.load_balance_targets[1].priority: must be >= 0 (0 is the highest)");
    }

    @Test
    void targetMustNameAModelAndAppearOnce() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: a
                    routing_config:
                      type: latency-based-routing
                      load_balance_targets: [{target: db/llama}, {target: db/llama}, {target: openai/gpt-4o}]
                """,
                "virtual_models[0].routing_config.load_balance_targets[1].target: duplicate target 'db/llama'",
                "virtual_models[0].routing_config.load_balance_targets[2].target: names no model: 'openai/gpt-4o' (write <provider-account>/<model-id>)");
    }

    @Test
    void routingNeedsTypeAndTargets() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: a
                    routing_config: {}
                  - name: b
                """,
                "virtual_models[0].routing_config.type: is required (weight-based-routing, priority-based-routing or latency-based-routing)",
                "virtual_models[0].routing_config.load_balance_targets: must name at least one target",
                "virtual_models[1].routing_config: is required");
    }

    @Test
    void stickyAndSlaCutoffBelongToTheirStrategies() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: a
                    routing_config:
                      type: priority-based-routing
                      sticky: {header: x-session}
                      load_balance_targets: [{target: db/llama, priority: 0}]
                  - name: b
                    routing_config:
                      type: weight-based-routing
                      sticky: {header: x-session, metadata_key: session}
                      sla_cutoff: {time_per_output_token_ms: 0}
                      load_balance_targets: [{target: db/llama, weight: 100}]
                """,
                "virtual_models[0].routing_config.sticky: applies only to weight-based-routing",
                "virtual_models[1].routing_config.sticky: set exactly one of header or metadata_key",
                "virtual_models[1].routing_config.sla_cutoff: applies only to priority-based-routing",
                "virtual_models[1].routing_config.sla_cutoff.time_per_output_token_ms: must be > 0");
    }

    @Test
    void retryAndFallbackValuesAreChecked() {
        assertErrors(ACCOUNTS + """
                virtual_models:
                  - name: a
                    routing_config:
                      type: priority-based-routing
                      load_balance_targets:
                        - target: db/llama
                          priority: 0
                          retry_config: {attempts: -1, delay_ms: -5, on_status_codes: [429, 700]}
                          fallback_status_codes: [99]
                """,
                "virtual_models[0].routing_config.load_balance_targets[0].retry_config.attempts: must be >= 0",
                "virtual_models[0].routing_config.load_balance_targets[0].retry_config.delay_ms: must be >= 0",
                "virtual_models[0].routing_config.load_balance_targets[0].retry_config.on_status_codes[1]: must be an HTTP status code between 100 and 599, got 700",
                "virtual_models[0].routing_config.load_balance_targets[0].fallback_status_codes[0]: must be an HTTP status code between 100 and 599, got 99");
    }

    @Test
    void healthPolicyPatternsAreChecked() {
        assertErrors("health_policy: {failure_threshold: 0, failure_status_codes: ['5xx', '6xx', 'abc']}",
                "health_policy.failure_threshold: must be > 0",
                "health_policy.failure_status_codes[1]: must be a status code (429) or a class (5xx), got '6xx'",
                "health_policy.failure_status_codes[2]: must be a status code (429) or a class (5xx), got 'abc'");
    }

    @Test
    void duplicateNamesPointAtBoth() {
        assertErrors("""
                users: [{name: alice}, {name: bob}, {name: alice}]
                """, "users[2]: duplicate name 'alice' (also users[0])");
    }

    @Test
    void providerAccountFieldsAreChecked() {
        assertErrors("""
                provider_accounts:
                  - name: "bad name"
                    type: openai-compatible
                    auth: {type: api-key}
                  - name: db
                    type: databricks
                    base_url: ftp://x
                    auth: {type: api-key, api_key: k}
                  - name: oai
                    type: openai
                    auth: {type: databricks-service-principal, client_id: x}
                    timeouts: {connect_ms: 0}
                    models: [{id: m, price: {input_per_million_usd: -1}}, {id: m}]
                  - name: nothing
                """,
                "provider_accounts[0].name: must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (max 128)",
                "provider_accounts[0].base_url: is required for type openai-compatible",
                "provider_accounts[0].auth.api_key: is required",
                "provider_accounts[1].base_url: must be an http or https URL, got 'ftp://x'",
                "provider_accounts[1].auth.type: must be databricks-pat or databricks-service-principal for type databricks",
                "provider_accounts[2].auth.type: must be none or api-key for type openai",
                "provider_accounts[2].auth.client_secret: is required",
                "provider_accounts[2].timeouts.connect_ms: must be > 0",
                "provider_accounts[2].models[1]: duplicate name 'm' (also provider_accounts[2].models[0])",
                "provider_accounts[2].models[0].price.input_per_million_usd: must be >= 0",
                "provider_accounts[3].type: is required (openai, openai-compatible, anthropic, databricks, azure-openai, gemini, "
                        + "vertex-ai or bedrock)");
    }

    @Test
    void perUnitPricesMustNotBeNegative() {
        assertErrors("""
                provider_accounts:
                  - name: oai
                    type: openai
                    auth: {type: api-key, api_key: k}
                    models:
                      - {id: dall-e-3, price: {per_image_usd: -0.04}}
                      - {id: whisper-1, price: {per_audio_second_usd: -0.0001, per_million_characters_usd: -15}}
                      - {id: tts-1, price: {per_image_usd: 0, per_audio_second_usd: 0, per_million_characters_usd: 15}}
                """,
                "provider_accounts[0].models[0].price.per_image_usd: must be >= 0",
                "provider_accounts[0].models[1].price.per_audio_second_usd: must be >= 0",
                "provider_accounts[0].models[1].price.per_million_characters_usd: must be >= 0");
    }

    @Test
    void azureGeminiAndVertexAccountsAreChecked() {
        assertErrors("""
                provider_accounts:
                  - name: azure-no-version
                    type: azure-openai
                    base_url: https://res.openai.azure.com
                    auth: {type: api-key, api_key: k}
                    models: [{id: gpt-4o, deployment: "bad deployment"}]
                  - name: azure-v1-with-version
                    type: azure-openai
                    base_url: https://res.openai.azure.com/openai/v1
                    api_version: 2024-10-21
                    auth: {type: azure-entra-id, client_id: app, client_secret: s}
                  - name: azure-no-url
                    type: azure-openai
                    api_version: 2024-10-21
                    auth: {type: azure-entra-id, client_id: app, client_secret: s, tenant_id: "not/a/tenant",
                           token_url: ftp://login}
                  - name: gemini-wrong-auth
                    type: gemini
                    api_version: 2024-10-21
                    auth: {type: google-service-account, service_account_key: k}
                    models: [{id: gemini-2.5-flash, deployment: d}]
                  - name: vertex-bad-url
                    type: vertex-ai
                    base_url: https://us-central1-aiplatform.googleapis.com/v1
                    auth: {type: google-service-account}
                  - name: vertex-wrong-auth
                    type: vertex-ai
                    base_url: https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1
                    auth: {type: api-key, api_key: k, tenant_id: t}
                """,
                "provider_accounts[0].models[0].deployment: must contain only letters, digits and . _ -",
                "provider_accounts[0].api_version: is required for Azure's deployment paths (or end base_url with "
                        + "/openai/v1)",
                "provider_accounts[1].auth.tenant_id: is required (or token_url)",
                "provider_accounts[1].api_version: does not apply to Azure's /openai/v1 API; leave it out",
                "provider_accounts[2].base_url: is required for type azure-openai",
                "provider_accounts[2].auth.token_url: must be an http or https URL, got 'ftp://login'",
                "provider_accounts[2].auth.tenant_id: must be a directory (tenant) id or domain, got 'not/a/tenant'",
                "provider_accounts[3].auth.type: must be api-key for type gemini",
                "provider_accounts[3].api_version: applies only to type azure-openai",
                "provider_accounts[3].models[0].deployment: applies only to type azure-openai",
                "provider_accounts[4].auth.service_account_key: is required",
                "provider_accounts[4].base_url: must name the project and location: "
                        + "https://<location>-aiplatform.googleapis.com/v1/projects/<project>/locations/<location>",
                "provider_accounts[5].auth.type: must be google-service-account for type vertex-ai",
                "provider_accounts[5].auth.tenant_id: applies only to auth type azure-entra-id");
        assertErrors("""
                provider_accounts:
                  - name: azure
                    type: azure-openai
                    base_url: https://res.openai.azure.com
                    api_version: 2024-10-21
                    auth: {type: azure-entra-id, client_id: app, client_secret: {env: AZ_SECRET}, tenant_id: contoso.onmicrosoft.com}
                    models: [{id: gpt-4o, deployment: gpt-4o-prod}]
                  - name: azure-v1
                    type: azure-openai
                    base_url: https://res.openai.azure.com/openai/v1
                    auth: {type: api-key, api_key: k}
                  - name: gemini
                    type: gemini
                    auth: {type: api-key, api_key: k}
                  - name: vertex
                    type: vertex-ai
                    base_url: https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1
                    auth: {type: google-service-account, service_account_key: {env: GOOGLE_KEY}, token_url: "http://127.0.0.1:9/token"}
                """);
    }

    @Test
    void bedrockAccountsNeedARegionAndAwsCredentials() {
        assertErrors("""
                provider_accounts:
                  - name: no-region
                    type: bedrock
                    auth: {type: aws-environment}
                  - name: bad-region
                    type: bedrock
                    region: US East 1
                    auth: {type: api-key, api_key: k}
                  - name: half-keys
                    type: bedrock
                    region: us-east-1
                    auth: {type: aws-access-key, access_key_id: {env: AWS_ACCESS_KEY_ID}, role_arn: "arn:aws:iam::1:role/r"}
                  - name: oai
                    type: openai
                    region: us-east-1
                    auth: {type: aws-web-identity, role_arn: " ", session_token: t}
                """,
                "provider_accounts[0].region: is required for type bedrock (e.g. us-east-1)",
                "provider_accounts[1].region: must be an AWS region such as us-east-1, got 'US East 1'",
                "provider_accounts[1].auth.type: must be aws-access-key, aws-environment or aws-web-identity for type bedrock",
                "provider_accounts[2].auth.role_arn: applies only to auth type aws-web-identity",
                "provider_accounts[2].auth.secret_access_key: is required",
                "provider_accounts[3].region: applies only to type bedrock",
                "provider_accounts[3].auth.type: must be none or api-key for type openai",
                "provider_accounts[3].auth.session_token: applies only to auth type aws-access-key",
                "provider_accounts[3].auth.role_arn: must not be blank; leave it out instead");
    }

    @Test
    void bedrockWithWebIdentityAndAnInferenceProfileArnIsValid() {
        assertErrors("""
                provider_accounts:
                  - name: bedrock
                    type: bedrock
                    region: us-gov-west-1
                    auth: {type: aws-web-identity}
                    models: [{id: "arn:aws:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"}]
                """);
    }

    @Test
    void aSecretTheAuthTypeNeverSendsIsRefusedNotStored() {
        assertErrors("""
                provider_accounts:
                  - name: local
                    type: openai-compatible
                    base_url: http://127.0.0.1:8000/v1
                    auth: {type: none, api_key: sk-never-sent}
                  - name: oai
                    type: openai
                    auth: {type: api-key, api_key: k, token: t, client_secret: s}
                  - name: db
                    type: databricks
                    base_url: https://ws.example.com
                    auth: {type: databricks-pat, token: t, client_id: c}
                """,
                "provider_accounts[0].auth.api_key: applies only to auth type api-key",
                "provider_accounts[1].auth.token: applies only to auth type databricks-pat",
                "provider_accounts[1].auth.client_secret: applies only to auth type databricks-service-principal and "
                        + "azure-entra-id",
                "provider_accounts[2].auth.client_id: applies only to auth type databricks-service-principal and "
                        + "azure-entra-id");
        assertTrue(errorsOf("""
                provider_accounts:
                  - {name: local, type: openai-compatible, base_url: "http://127.0.0.1:8000/v1",
                     auth: {type: none, api_key: sk-never-sent}}
                """).stream().noneMatch(e -> e.contains("sk-never-sent")), "the value is never in the message");
    }

    @Test
    void accessRulesMustNameKnownSubjectsAndModels() {
        assertErrors(ACCOUNTS + """
                users: [{name: alice}]
                access_rules:
                  - subjects: [user:alice, user:mallory, team:ghosts]
                    models: [db/llama, db/*, nope/*, gpt-5, "*"]
                  - subjects: []
                """,
                "access_rules[0].subjects[1]: unknown subject 'user:mallory'",
                "access_rules[0].subjects[2]: unknown subject 'team:ghosts'",
                "access_rules[0].models[2]: unknown provider account 'nope'",
                "access_rules[0].models[3]: names no model or virtual model: 'gpt-5'",
                "access_rules[1].subjects: must name at least one subject");
    }

    @Test
    void teamMembersMustBeUsers() {
        assertErrors("""
                users: [{name: alice}]
                teams: [{name: ml, members: [alice, carol]}]
                """, "teams[0].members[1]: unknown user 'carol'");
    }

    @Test
    void apiKeysAreHashedAndOwned() {
        String hash = "sha256:" + "a".repeat(64);
        assertErrors("""
                service_accounts: [{name: ci}]
                api_keys:
                  - {name: k1, subject: service_account:ci, key_hash: %s}
                  - {name: k2, subject: service_account:ci, key_hash: %s}
                  - {name: k3, subject: user:ghost, key_hash: sk-clear-key}
                  - {name: k4, subject: service_account:ci}
                """.formatted(hash, hash),
                "api_keys[1].key_hash: the same key is already registered",
                "api_keys[2].subject: unknown subject 'user:ghost'",
                "api_keys[2].key_hash: must be sha256:<64 lowercase hex>",
                "api_keys[3].key_hash: is required (sha256:<64 lowercase hex>)");
    }

    @Test
    void identityProvidersNeedIssuerAudienceAndJwks() {
        assertErrors("""
                identity_providers:
                  - {name: a, issuer: https://sso.example.com/, audiences: [x], jwks_url: https://sso.example.com/jwks}
                  - {name: b, issuer: https://sso.example.com/, jwks_url: not-a-url}
                  - {name: c}
                """,
                "identity_providers[1].issuer: duplicate issuer 'https://sso.example.com/'",
                "identity_providers[1].audiences: must name at least one audience",
                "identity_providers[1].jwks_url: must be an http or https URL, got 'not-a-url'",
                "identity_providers[2].issuer: is required",
                "identity_providers[2].audiences: must name at least one audience",
                "identity_providers[2].jwks_url: is required");
    }

    @Test
    void oneIdentityProviderSignsInWithAClientIdAndTheOpenidScope() {
        assertErrors("""
                identity_providers:
                  - name: okta
                    issuer: https://example.okta.com/oauth2/default
                    audiences: [api://switchboard]
                    jwks_url: https://example.okta.com/oauth2/default/v1/keys
                    sign_in: {client_id: switchboard-mcp, client_secret: {env: OKTA_SECRET}}
                  - name: entra
                    issuer: https://login.microsoftonline.com/tenant/v2.0
                    audiences: [api://switchboard]
                    jwks_url: https://login.microsoftonline.com/tenant/discovery/v2.0/keys
                    sign_in: {scopes: [profile, email]}
                """,
                "identity_providers[1].sign_in: only one identity provider may sign users in; identity_providers[0]"
                        + " already does",
                "identity_providers[1].sign_in.client_id: is required",
                "identity_providers[1].sign_in.scopes: must include 'openid': the user is read from the ID token");
    }

    @Test
    void limitsMayNameApiKeysAndEveryOtherSectionMayNot() {
        String hash = "sha256:" + "a".repeat(64);
        assertErrors(ACCOUNTS + """
                users: [{name: alice}]
                api_keys:
                  - {name: laptop, subject: user:alice, key_hash: %s}
                  - {name: k2, subject: api_key:laptop, key_hash: %s}
                access_rules:
                  - subjects: [api_key:laptop]
                    models: ["*"]
                rate_limits:
                  - {name: r, subjects: [api_key:laptop, api_key:ghost], requests: 5, per: minute}
                budgets:
                  - {name: b, subjects: [api_key:laptop], limit_usd: 5, per: day}
                """.formatted(hash, "sha256:" + "b".repeat(64)),
                "api_keys[1].subject: 'api_key:laptop': api_key subjects are allowed only in rate_limits and budgets",
                "access_rules[0].subjects[0]: 'api_key:laptop': api_key subjects are allowed only in rate_limits and "
                        + "budgets",
                "rate_limits[0].subjects[1]: unknown subject 'api_key:ghost'");
    }

    @Test
    void rateLimitFieldsAreChecked() {
        assertErrors(ACCOUNTS + """
                users: [{name: alice}]
                teams: [{name: ml, members: [alice]}]
                rate_limits:
                  - {name: r0, subjects: [team:ml, team:ghosts], models: [db/llama, gpt-9], input_tokens: 0,
                     output_tokens: 10, per: hour, counting: shared}
                  - {name: r1, subjects: [user:alice], tokens: 5, per: day, per_metadata: "customer id"}
                  - {name: r2, subjects: [user:alice], per: minute, counting: per_member, per_metadata: customer_id}
                """,
                "rate_limits[0].subjects[1]: unknown subject 'team:ghosts'",
                "rate_limits[0].models[1]: names no model or virtual model: 'gpt-9'",
                "rate_limits[0].input_tokens: must be > 0",
                "rate_limits[1].per_metadata: must be an x-tfy-metadata field name (letters, digits, . _ -; max 128), "
                        + "got 'customer id'",
                "rate_limits[2]: set at least one of requests, tokens, input_tokens, output_tokens");
    }

    @Test
    void mcpRateLimitsCountRequestsOfKnownServersOnly() {
        assertErrors(ACCOUNTS + """
                users: [{name: alice}]
                mcp_servers:
                  - {name: gh, url: https://mcp.example.com/mcp}
                rate_limits:
                  - {name: ok, subjects: [user:alice], mcp_servers: [gh, "*"], tools: [search], requests: 10, per: minute}
                  - {name: tools-only, subjects: [user:alice], tools: [search], requests: 10, per: minute}
                  - {name: both, subjects: [user:alice], models: [db/llama], mcp_servers: [gh], requests: 1, per: hour}
                  - {name: tokens, subjects: [user:alice], mcp_servers: [jira], tokens: 100, output_tokens: 5, per: day}
                """,
                "rate_limits[2].models: a rule limits either models or MCP tool calls (mcp_servers, tools), not both",
                "rate_limits[3].mcp_servers[0]: unknown MCP server 'jira'",
                "rate_limits[3].requests: is required for an MCP rule (mcp_servers, tools)",
                "rate_limits[3].tokens: an MCP rule (mcp_servers, tools) limits requests only",
                "rate_limits[3].output_tokens: an MCP rule (mcp_servers, tools) limits requests only");
    }

    @Test
    void budgetsAreDailyOrMonthlyWithIncreasingThresholdsAndAnHttpWebhook() {
        assertErrors("""
                users: [{name: alice}]
                budgets:
                  - {name: b0, subjects: [user:alice], limit_usd: 10, per: hour}
                  - {name: b1, subjects: [user:alice], limit_usd: 10, per: minute, alert_thresholds: [50, 50, 0, 101]}
                  - {name: b2, subjects: [user:alice], limit_usd: 10, per: day, alert_webhook: ftp://example.com/x}
                  - {name: b3, subjects: [user:alice], limit_usd: 10, per: month, counting: per_member,
                     alert_thresholds: [25, 90], alert_webhook: https://hooks.example.com/budget}
                """,
                "budgets[0].per: must be day or month (a budget is a calendar period of spend; use a rate limit for "
                        + "minutes and hours)",
                "budgets[1].per: must be day or month (a budget is a calendar period of spend; use a rate limit for "
                        + "minutes and hours)",
                "budgets[1].alert_thresholds[1]: must be greater than the one before (50)",
                "budgets[1].alert_thresholds[2]: must be a percentage between 1 and 100, got 0",
                "budgets[1].alert_thresholds[3]: must be a percentage between 1 and 100, got 101",
                "budgets[2].alert_webhook: must be an http or https URL, got 'ftp://example.com/x'");
    }

    @Test
    void limitsAndBudgetsAreChecked() {
        assertErrors("""
                users: [{name: alice}]
                rate_limits:
                  - {name: r1, subjects: [user:alice], per: minute}
                  - {name: r2, subjects: [user:alice], requests: 0}
                budgets:
                  - {name: b1, subjects: [user:alice], limit_usd: 0, per: month}
                """,
                "rate_limits[0]: set at least one of requests, tokens, input_tokens, output_tokens",
                "rate_limits[1].requests: must be > 0",
                "rate_limits[1].per: is required",
                "budgets[0].limit_usd: must be > 0");
    }

    @Test
    void mcpReferencesAreChecked() {
        assertErrors("""
                users: [{name: alice}]
                mcp_servers:
                  - {name: gh, url: https://mcp.example.com/mcp, auth: {type: header, token: t}}
                virtual_mcp_servers:
                  - {name: gh, tools: [gh/search, jira/create, nonsense]}
                tool_policies:
                  - {name: p, subjects: [user:alice], server: jira}
                """,
                "mcp_servers[0].auth.header: is required",
                "virtual_mcp_servers[0].name: 'gh' is already an MCP server's name",
                "virtual_mcp_servers[0].tools[1]: unknown MCP server 'jira'",
                "virtual_mcp_servers[0].tools[2]: must be <server>/<tool>, got 'nonsense'",
                "tool_policies[0].server: unknown MCP server 'jira'");
    }

    @Test
    void guardrailFieldsAndReferencesAreChecked() {
        assertErrors("""
                users: [{name: alice}]
                teams: [{name: ml, members: [alice]}]
                mcp_servers:
                  - {name: gh, url: https://mcp.example.com/mcp}
                guardrails:
                  - {name: g, type: regex, hooks: [llm_input], mcp_servers: [jira],
                     regex: {deny: ['(unclosed'], allow: ['ok'], replacement: x}}
                  - {name: h}
                  - {name: i, type: pii, hooks: [llm_output, llm_output], models: [nope/*, missing-model],
                     pii: {detect: [email, passport]}, regex: {deny: [x]}}
                  - {name: j, type: sql, hooks: [mcp_pre_tool, llm_input], tools: [jira/run, query, /x],
                     subjects: [user:zed, team:ml], sql: {deny_tables: [a.b.c, '"Quoted"'], deny_schemas: ['x y']}}
                  - {name: k, type: json_schema, hooks: [mcp_pre_tool], json_schema: {schema: {type: nonsense}}}
                  - {name: l, type: permission, hooks: [mcp_pre_tool],
                     permission: {subjects: [team:nobody], arguments: {env: {}, region: {pattern: '[ab'}}}}
                  - {name: m, type: webhook, hooks: [mcp_post_tool], webhook: {url: 'ftp://x', timeout_ms: 0}}
                  - {name: n, type: secrets, hooks: [mcp_pre_tool], models: ['*'], secrets: {detect: [jwt, password]}}
                  - {name: o, type: webhook, hooks: [llm_input]}
                  - {name: p, type: permission, hooks: [mcp_pre_tool], permission: {}}
                """,
                "guardrails[0].mcp_servers: narrows only mcp_pre_tool and mcp_post_tool, and the guardrail has neither",
                "guardrails[0].mcp_servers[0]: unknown MCP server 'jira'",
                "guardrails[0].regex.deny[0]: not a valid regular expression: Unclosed group",
                "guardrails[0].regex.replacement: applies only with redact: replace",
                "guardrails[1].type: is required (regex, pii, secrets, sql, json_schema, permission or webhook)",
                "guardrails[1].hooks: must name at least one of llm_input, llm_output, mcp_pre_tool, mcp_post_tool",
                "guardrails[2].hooks[1]: duplicate hook",
                "guardrails[2].models[0]: unknown provider account 'nope'",
                "guardrails[2].models[1]: names no model or virtual model: 'missing-model'",
                "guardrails[2].regex: does not go with type pii",
                "guardrails[2].pii.detect[1]: unknown pii detector 'passport' (email, phone, card, iban, national_id)",
                "guardrails[3].tools[0]: unknown MCP server 'jira'",
                "guardrails[3].tools[2]: must be a tool name or <server>/<tool>, got '/x'",
                "guardrails[3].subjects[0]: unknown subject 'user:zed'",
                "guardrails[3].hooks[1]: type sql checks tool arguments: only mcp_pre_tool",
                "guardrails[3].sql.deny_schemas[0]: must be an unquoted schema name, got 'x y'",
                "guardrails[3].sql.deny_tables[0]: must be an unquoted <table> or <schema>.<table>, got 'a.b.c'",
                "guardrails[3].sql.deny_tables[1]: must be an unquoted <table> or <schema>.<table>, got '\"Quoted\"'",
                "guardrails[4].json_schema.schema: not a valid JSON Schema: $.type: does not have a value in the "
                        + "enumeration [\"array\", \"boolean\", \"integer\", \"null\", \"number\", \"object\", \"string\"]; "
                        + "$.type: string found, array expected",
                "guardrails[5].permission.subjects[0]: unknown subject 'team:nobody'",
                "guardrails[5].permission.arguments.env: set allowed, pattern or both",
                "guardrails[5].permission.arguments.region.pattern: not a valid regular expression: "
                        + "Unclosed character class",
                "guardrails[6].webhook.url: must be an http or https URL, got 'ftp://x'",
                "guardrails[6].webhook.timeout_ms: must be > 0",
                "guardrails[7].models: narrows only llm_input and llm_output, and the guardrail has neither",
                "guardrails[7].secrets.detect[1]: unknown secrets detector 'password' (aws_access_key, gcp_api_key, "
                        + "github_token, slack_token, private_key, jwt, bearer_token, high_entropy)",
                "guardrails[8].webhook: is required for type webhook",
                "guardrails[9].permission: must give subjects, arguments or both");
    }

    @Test
    void mcpOAuthCredentialsAreValidated() {
        assertErrors("""
                mcp_servers:
                  - name: ok-oauth
                    url: https://mcp.example.com/mcp
                    auth:
                      type: oauth-client-credentials
                      token_url: https://idp.example.com/oauth/token
                      client_id: gateway
                      client_secret: {env: IDP_SECRET}
                      scope: mcp.read
                      audience: https://mcp.example.com
                      token_endpoint_auth_method: client_secret_post
                  - name: ok-databricks
                    url: https://ws.cloud.databricks.com/api/2.0/mcp/sql
                    transport: streamable_http
                    auth: {type: databricks-service-principal, client_id: sp, client_secret: {env: SP_SECRET}}
                  - name: ok-legacy
                    url: http://127.0.0.1:3001/sse
                    transport: sse
                    auth: {type: bearer, token: {env: T}}
                  - name: no-fields
                    url: https://mcp.example.com/mcp
                    auth: {type: oauth-client-credentials}
                  - name: bad-url
                    url: https://mcp.example.com/mcp
                    auth: {type: oauth-client-credentials, token_url: "ftp://idp", client_id: c, client_secret: s, scope: " "}
                  - name: databricks-missing
                    url: https://ws.cloud.databricks.com/api/2.0/mcp/sql
                    auth: {type: databricks-service-principal, workspace_url: not-a-url}
                  - name: mixed
                    url: https://mcp.example.com/mcp
                    auth: {type: bearer, token: t, client_id: c, token_url: "https://idp/token", workspace_url: "https://ws"}
                  - name: databricks-with-scope
                    url: https://ws.cloud.databricks.com/api/2.0/mcp/sql
                    auth: {type: databricks-service-principal, client_id: sp, client_secret: s, scope: all-apis}
                  - name: bad-header
                    url: https://mcp.example.com/mcp
                    auth: {type: header, header: "X Api: Key", token: t}
                """,
                "mcp_servers[3].auth.token_url: is required",
                "mcp_servers[3].auth.client_id: is required",
                "mcp_servers[3].auth.client_secret: is required",
                "mcp_servers[4].auth.token_url: must be an http or https URL, got 'ftp://idp'",
                "mcp_servers[4].auth.scope: must not be blank; leave it out instead",
                "mcp_servers[5].auth.client_id: is required",
                "mcp_servers[5].auth.client_secret: is required",
                "mcp_servers[5].auth.workspace_url: must be an http or https URL, got 'not-a-url'",
                "mcp_servers[6].auth.token_url: applies only to auth type oauth-client-credentials",
                "mcp_servers[6].auth.workspace_url: applies only to auth type databricks-service-principal",
                "mcp_servers[6].auth.client_id: applies only to auth type oauth-client-credentials and "
                        + "databricks-service-principal",
                "mcp_servers[7].auth.scope: applies only to auth type oauth-client-credentials",
                "mcp_servers[8].auth.header: must be an HTTP header name, got 'X Api: Key'");
    }

    @Test
    void anUnknownMcpAuthTypeOrTransportIsAnErrorWithItsPath() {
        ConfigException auth = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigCodec.readYaml("mcp_servers: [{name: a, url: 'http://x/mcp', auth: {type: oauth2}}]"));
        assertTrue(auth.errors().get(0).path().equals("mcp_servers[0].auth.type"), auth.getMessage());
        ConfigException transport = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigCodec.readYaml("mcp_servers: [{name: a, url: 'http://x/mcp', transport: websocket}]"));
        assertTrue(transport.errors().get(0).path().equals("mcp_servers[0].transport"), transport.getMessage());
    }

    @Test
    void toolPolicyPatternsMustNotBeEmpty() {
        assertErrors("""
                users: [{name: alice}]
                mcp_servers: [{name: s, url: "http://127.0.0.1:1/mcp"}]
                tool_policies:
                  - {name: p, subjects: [user:alice], server: s, allow_resources: ["file:///*", ""], deny_prompts: [""]}
                """,
                "tool_policies[0].allow_resources[1]: must not be empty",
                "tool_policies[0].deny_prompts[0]: must not be empty");
    }

    @Test
    void loadingAnInvalidConfigReportsEveryError() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigCodec.loadYaml("users: [{name: a}, {name: a}]\nteams: [{name: t, members: [z]}]", 1, null));
        assertEquals(2, e.errors().size());
        assertTrue(e.getMessage().startsWith("2 errors in config:"), e.getMessage());
    }
}
