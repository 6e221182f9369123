package dev.switchboard.model.validation;

import dev.switchboard.model.config.AccessRule;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.Budget;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.HealthPolicy;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.LatencyConfig;
import dev.switchboard.model.config.LoadBalanceTarget;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.Payloads;
import dev.switchboard.model.config.Period;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.ProviderType;
import dev.switchboard.model.config.RateLimit;
import dev.switchboard.model.config.RetryConfig;
import dev.switchboard.model.config.RoutingConfig;
import dev.switchboard.model.config.RoutingType;
import dev.switchboard.model.config.SlaCutoff;
import dev.switchboard.model.config.StickyConfig;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import dev.switchboard.model.config.Timeouts;
import dev.switchboard.model.config.ToolPolicy;
import dev.switchboard.model.config.VirtualMcpServer;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.guardrail.GuardrailSpec;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a whole config and returns every error with its path, never just the first: field values, names, references
 * between sections and routing rules. An empty list means the config can be used.
 */
public final class ConfigValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,255}");
    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    private static final Pattern KEY_HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern STATUS_PATTERN = Pattern.compile("[1-5](xx|[0-9]{2})");
    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    /** RFC 9110 token characters. */
    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
    private static final Pattern AZURE_DEPLOYMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern AZURE_V1_PATH = Pattern.compile(".*/openai/v1/?");
    private static final Pattern VERTEX_PATH = Pattern.compile("/v1(beta1)?/projects/[^/]+/locations/[^/]+/?");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final SwitchboardConfig config;
    private final List<ConfigError> errors = new ArrayList<>();
    private final Set<String> modelNames = new HashSet<>();
    private final Set<String> accountNames = new HashSet<>();
    private final Set<String> virtualModelNames = new HashSet<>();
    private final Set<SubjectRef> subjects = new HashSet<>();
    private final Set<String> mcpServerNames = new HashSet<>();
    private final Set<String> apiKeyNames = new HashSet<>();

    private ConfigValidator(SwitchboardConfig config) {
        this.config = config;
    }

    public static List<ConfigError> validate(SwitchboardConfig config) {
        ConfigValidator v = new ConfigValidator(config);
        v.run();
        return List.copyOf(v.errors);
    }

    private void run() {
        providerAccounts();
        subjects();
        virtualModels();
        healthPolicy("health_policy", config.healthPolicy());
        identityProviders();
        apiKeys();
        accessRules();
        mcp();
        rateLimitsAndBudgets();
        guardrails();
    }

    // ---- providers and models

    private void providerAccounts() {
        uniqueNames("provider_accounts", config.providerAccounts(), ProviderAccount::name);
        for (int i = 0; i < config.providerAccounts().size(); i++) {
            ProviderAccount a = config.providerAccounts().get(i);
            String p = "provider_accounts[" + i + "]";
            name(p + ".name", a.name());
            if (a.name() != null) {
                accountNames.add(a.name());
            }
            if (a.type() == null) {
                error(p + ".type", "is required (openai, openai-compatible, anthropic, databricks, azure-openai, gemini, "
                        + "vertex-ai or bedrock)");
            } else if (a.type() == ProviderType.BEDROCK) {
                region(p + ".region", a.region());
            } else if (a.effectiveBaseUrl() == null) {
                error(p + ".base_url", "is required for type " + wire(a.type()));
            }
            if (a.baseUrl() != null) {
                httpUrl(p + ".base_url", a.baseUrl());
            }
            if (a.region() != null && a.type() != null && a.type() != ProviderType.BEDROCK) {
                error(p + ".region", "applies only to type bedrock");
            }
            providerAuth(p + ".auth", a.type(), a.auth());
            if (a.baseUrl() == null || a.baseUrl().isBlank() || isHttpUrl(a.baseUrl())) {
                providerSpecifics(p, a);
            }
            timeouts(p + ".timeouts", a.timeouts());
            uniqueNames(p + ".models", a.models(), Model::id);
            for (int j = 0; j < a.models().size(); j++) {
                Model m = a.models().get(j);
                String mp = p + ".models[" + j + "]";
                if (m.id() == null || m.id().isBlank()) {
                    error(mp + ".id", "is required");
                } else if (!MODEL_ID.matcher(m.id()).matches()) {
                    error(mp + ".id", "must start with a letter or digit and contain only letters, digits and . _ : @ / -");
                } else if (a.name() != null) {
                    modelNames.add(a.name() + "/" + m.id());
                }
                nonNegative(mp + ".price.input_per_million_usd", m.price().inputPerMillionUsd());
                nonNegative(mp + ".price.output_per_million_usd", m.price().outputPerMillionUsd());
                nonNegative(mp + ".price.per_image_usd", m.price().perImageUsd());
                nonNegative(mp + ".price.per_audio_second_usd", m.price().perAudioSecondUsd());
                nonNegative(mp + ".price.per_million_characters_usd", m.price().perMillionCharactersUsd());
                timeouts(mp + ".timeouts", m.timeouts());
                payloads(mp, m.logPayloads(), m.logPayloadsMaxBytes());
            }
        }
    }

    private void providerAuth(String p, ProviderType type, ProviderAuth auth) {
        if (auth.type() == null) {
            error(p + ".type", "is required (none, api-key, databricks-pat, databricks-service-principal, "
                    + "azure-entra-id, google-service-account, aws-access-key, aws-environment or aws-web-identity)");
            return;
        }
        if (type != null && !authsOf(type).contains(auth.type())) {
            List<String> allowed = authsOf(type).stream().map(t -> wire(t)).toList();
            String last = allowed.get(allowed.size() - 1);
            String choices = allowed.size() == 1 ? last
                    : String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + last;
            error(p + ".type", "must be " + choices + " for type " + wire(type));
        }
        boolean staticAws = auth.type() == ProviderAuth.Type.AWS_ACCESS_KEY;
        onlyFor(p + ".access_key_id", auth.accessKeyId(), staticAws, "aws-access-key");
        onlyFor(p + ".secret_access_key", auth.secretAccessKey(), staticAws, "aws-access-key");
        onlyFor(p + ".session_token", auth.sessionToken(), staticAws, "aws-access-key");
        boolean webIdentity = auth.type() == ProviderAuth.Type.AWS_WEB_IDENTITY;
        onlyFor(p + ".role_arn", auth.roleArn(), webIdentity, "aws-web-identity");
        onlyFor(p + ".web_identity_token_file", auth.webIdentityTokenFile(), webIdentity, "aws-web-identity");
        onlyFor(p + ".role_session_name", auth.roleSessionName(), webIdentity, "aws-web-identity");
        if (webIdentity) {
            notBlankIfGiven(p + ".role_arn", auth.roleArn());
            notBlankIfGiven(p + ".web_identity_token_file", auth.webIdentityTokenFile());
            notBlankIfGiven(p + ".role_session_name", auth.roleSessionName());
        }
        // a secret that the chosen type never sends would be stored and never used: refuse it rather than keep it
        ProviderAuth.Type t = auth.type();
        boolean principal = t == ProviderAuth.Type.DATABRICKS_SERVICE_PRINCIPAL
                || t == ProviderAuth.Type.AZURE_ENTRA_ID;
        onlyFor(p + ".api_key", auth.apiKey(), t == ProviderAuth.Type.API_KEY, "api-key");
        onlyFor(p + ".token", auth.token(), t == ProviderAuth.Type.DATABRICKS_PAT, "databricks-pat");
        onlyFor(p + ".client_id", auth.clientId(), principal, "databricks-service-principal and azure-entra-id");
        onlyFor(p + ".client_secret", auth.clientSecret(), principal,
                "databricks-service-principal and azure-entra-id");
        onlyFor(p + ".tenant_id", auth.tenantId(), t == ProviderAuth.Type.AZURE_ENTRA_ID, "azure-entra-id");
        onlyFor(p + ".token_url", auth.tokenUrl(),
                t == ProviderAuth.Type.AZURE_ENTRA_ID || t == ProviderAuth.Type.GOOGLE_SERVICE_ACCOUNT,
                "azure-entra-id and google-service-account");
        onlyFor(p + ".service_account_key", auth.serviceAccountKey(), t == ProviderAuth.Type.GOOGLE_SERVICE_ACCOUNT,
                "google-service-account");
        if (auth.tokenUrl() != null) {
            httpUrl(p + ".token_url", auth.tokenUrl());
        }
        switch (t) {
            case API_KEY -> required(p + ".api_key", auth.apiKey());
            case DATABRICKS_PAT -> required(p + ".token", auth.token());
            case DATABRICKS_SERVICE_PRINCIPAL -> {
                required(p + ".client_id", auth.clientId());
                required(p + ".client_secret", auth.clientSecret());
            }
            case AZURE_ENTRA_ID -> {
                required(p + ".client_id", auth.clientId());
                required(p + ".client_secret", auth.clientSecret());
                if (auth.tenantId() == null && auth.tokenUrl() == null) {
                    error(p + ".tenant_id", "is required (or token_url)");
                } else if (auth.tenantId() != null && !TENANT_ID.matcher(auth.tenantId()).matches()) {
                    error(p + ".tenant_id", "must be a directory (tenant) id or domain, got '" + auth.tenantId() + "'");
                }
            }
            case GOOGLE_SERVICE_ACCOUNT -> required(p + ".service_account_key", auth.serviceAccountKey());
            case AWS_ACCESS_KEY -> {
                required(p + ".access_key_id", auth.accessKeyId());
                required(p + ".secret_access_key", auth.secretAccessKey());
            }
            case NONE, AWS_ENVIRONMENT, AWS_WEB_IDENTITY -> { }
        }
    }

    /** An AWS region name as the endpoints and SigV4 take it: {@code us-east-1}, {@code eu-central-2}, {@code us-gov-west-1}. */
    private void region(String p, String region) {
        if (region == null || region.isBlank()) {
            error(p, "is required for type bedrock (e.g. us-east-1)");
        } else if (!AWS_REGION.matcher(region).matches()) {
            error(p, "must be an AWS region such as us-east-1, got '" + region + "'");
        }
    }

    /** The auth types each kind of account accepts. */
    private static Set<ProviderAuth.Type> authsOf(ProviderType type) {
        return switch (type) {
            case OPENAI, OPENAI_COMPATIBLE, ANTHROPIC -> EnumSet.of(ProviderAuth.Type.NONE, ProviderAuth.Type.API_KEY);
            case DATABRICKS -> EnumSet.of(ProviderAuth.Type.DATABRICKS_PAT,
                    ProviderAuth.Type.DATABRICKS_SERVICE_PRINCIPAL);
            case AZURE_OPENAI -> EnumSet.of(ProviderAuth.Type.API_KEY, ProviderAuth.Type.AZURE_ENTRA_ID);
            case GEMINI -> EnumSet.of(ProviderAuth.Type.API_KEY);
            case VERTEX_AI -> EnumSet.of(ProviderAuth.Type.GOOGLE_SERVICE_ACCOUNT);
            case BEDROCK -> EnumSet.of(ProviderAuth.Type.AWS_ACCESS_KEY, ProviderAuth.Type.AWS_ENVIRONMENT,
                    ProviderAuth.Type.AWS_WEB_IDENTITY);
        };
    }

    /** Azure's {@code api_version}, its deployments, and Vertex AI's project-and-location URL. */
    private void providerSpecifics(String p, ProviderAccount a) {
        boolean azure = a.type() == ProviderType.AZURE_OPENAI;
        if (a.apiVersion() != null && !azure) {
            error(p + ".api_version", "applies only to type azure-openai");
        }
        for (int j = 0; j < a.models().size(); j++) {
            if (a.models().get(j).deployment() != null && !azure) {
                error(p + ".models[" + j + "].deployment", "applies only to type azure-openai");
            } else if (a.models().get(j).deployment() != null
                    && !AZURE_DEPLOYMENT.matcher(a.models().get(j).deployment()).matches()) {
                error(p + ".models[" + j + "].deployment", "must contain only letters, digits and . _ -");
            }
        }
        String path = a.baseUrl() == null || a.baseUrl().isBlank() ? "" : URI.create(a.baseUrl().trim()).getRawPath();
        boolean v1 = AZURE_V1_PATH.matcher(path).matches();
        if (azure && a.baseUrl() != null && !a.baseUrl().isBlank() && a.apiVersion() == null && !v1) {
            error(p + ".api_version", "is required for Azure's deployment paths (or end base_url with /openai/v1)");
        }
        if (azure && a.apiVersion() != null && v1) {
            error(p + ".api_version", "does not apply to Azure's /openai/v1 API; leave it out");
        }
        if (a.type() == ProviderType.VERTEX_AI && a.baseUrl() != null && !VERTEX_PATH.matcher(path).matches()) {
            error(p + ".base_url", "must name the project and location: https://<location>-aiplatform.googleapis.com"
                    + "/v1/projects/<project>/locations/<location>");
        }
    }

    private void timeouts(String p, Timeouts t) {
        if (t == null) {
            return;
        }
        positive(p + ".connect_ms", t.connectMs());
        positive(p + ".first_byte_ms", t.firstByteMs());
        positive(p + ".idle_ms", t.idleMs());
    }

    /** A price, when given, is never below 0 (a price not set is null, or 0 for the token prices). */
    private void nonNegative(String p, BigDecimal price) {
        if (price != null && price.signum() < 0) {
            error(p, "must be >= 0");
        }
    }

    private void payloads(String p, Boolean logPayloads, Integer maxBytes) {
        if (maxBytes == null) {
            return;
        }
        if (!Boolean.TRUE.equals(logPayloads)) {
            error(p + ".log_payloads_max_bytes", "is only for log_payloads: true");
        } else if (maxBytes < 1 || maxBytes > Payloads.LIMIT_MAX_BYTES) {
            error(p + ".log_payloads_max_bytes", "must be between 1 and " + Payloads.LIMIT_MAX_BYTES);
        }
    }

    // ---- virtual models and routing

    private void virtualModels() {
        uniqueNames("virtual_models", config.virtualModels(), VirtualModel::name);
        for (int i = 0; i < config.virtualModels().size(); i++) {
            VirtualModel vm = config.virtualModels().get(i);
            String p = "virtual_models[" + i + "]";
            name(p + ".name", vm.name());
            if (vm.name() != null) {
                virtualModelNames.add(vm.name());
            }
            if (vm.routingConfig() == null) {
                error(p + ".routing_config", "is required");
            } else {
                routing(p + ".routing_config", vm.routingConfig());
            }
            if (vm.healthPolicy() != null) {
                healthPolicy(p + ".health_policy", vm.healthPolicy());
            }
            payloads(p, vm.logPayloads(), vm.logPayloadsMaxBytes());
        }
    }

    private void routing(String p, RoutingConfig r) {
        if (r.type() == null) {
            error(p + ".type", "is required (weight-based-routing, priority-based-routing or latency-based-routing)");
        }
        List<LoadBalanceTarget> targets = r.loadBalanceTargets();
        if (targets.isEmpty()) {
            error(p + ".load_balance_targets", "must name at least one target");
        }
        Set<String> seen = new HashSet<>();
        int weightSum = 0;
        boolean weightsComplete = true;
        for (int j = 0; j < targets.size(); j++) {
            LoadBalanceTarget t = targets.get(j);
            String tp = p + ".load_balance_targets[" + j + "]";
            if (t.target() == null || t.target().isBlank()) {
                error(tp + ".target", "is required");
            } else if (!modelNames.contains(t.target())) {
                error(tp + ".target", "names no model: '" + t.target() + "' (write <provider-account>/<model-id>)");
            } else if (!seen.add(t.target())) {
                error(tp + ".target", "duplicate target '" + t.target() + "'");
            }
            if (r.type() == RoutingType.WEIGHT) {
                if (t.weight() == null) {
                    error(tp + ".weight", "is required for weight-based-routing");
                    weightsComplete = false;
                } else if (t.weight() <= 0) {
                    error(tp + ".weight", "must be > 0");
                    weightsComplete = false;
                } else {
                    weightSum += t.weight();
                }
            } else if (t.weight() != null) {
                error(tp + ".weight", "applies only to weight-based-routing");
            }
            if (r.type() == RoutingType.PRIORITY) {
                if (t.priority() == null) {
                    error(tp + ".priority", "is required for priority-based-routing");
                } else if (t.priority() < 0) {
                    error(tp + ".priority", "must be >= 0 (0 is the highest)");
                }
            } else if (t.priority() != null) {
                error(tp + ".priority", "applies only to priority-based-routing");
            }
            retry(tp + ".retry_config", t.retryConfig());
            statusCodes(tp + ".fallback_status_codes", t.fallbackStatusCodes());
        }
        if (r.type() == RoutingType.WEIGHT && weightsComplete && !targets.isEmpty() && weightSum != 100) {
            error(p + ".load_balance_targets", "weights must sum to 100, got " + weightSum);
        }
        if (r.sticky() != null) {
            sticky(p + ".sticky", r.type(), r.sticky());
        }
        if (r.slaCutoff() != null) {
            slaCutoff(p + ".sla_cutoff", r.type(), r.slaCutoff());
        }
        latency(p + ".latency", r.latency());
        positive(p + ".request_timeout_ms", r.requestTimeoutMs());
    }

    private void sticky(String p, RoutingType type, StickyConfig s) {
        if (type != null && type != RoutingType.WEIGHT) {
            error(p, "applies only to weight-based-routing");
        }
        boolean header = s.header() != null && !s.header().isBlank();
        boolean metadata = s.metadataKey() != null && !s.metadataKey().isBlank();
        if (header == metadata) {
            error(p, "set exactly one of header or metadata_key");
        }
    }

    private void slaCutoff(String p, RoutingType type, SlaCutoff s) {
        if (type != null && type != RoutingType.PRIORITY) {
            error(p, "applies only to priority-based-routing");
        }
        if (s.timePerOutputTokenMs() == null) {
            error(p + ".time_per_output_token_ms", "is required");
        } else if (!(s.timePerOutputTokenMs() > 0)) {
            error(p + ".time_per_output_token_ms", "must be > 0");
        }
        positive(p + ".window_seconds", s.windowSeconds());
    }

    private void latency(String p, LatencyConfig l) {
        positive(p + ".window_seconds", l.windowSeconds());
        positive(p + ".max_samples", l.maxSamples());
        if (l.minSamples() < 0) {
            error(p + ".min_samples", "must be >= 0");
        }
        if (!(l.equalBand() >= 1.0)) {
            error(p + ".equal_band", "must be >= 1.0");
        }
    }

    private void retry(String p, RetryConfig r) {
        if (r.attempts() < 0) {
            error(p + ".attempts", "must be >= 0");
        }
        if (r.delayMs() < 0) {
            error(p + ".delay_ms", "must be >= 0");
        }
        if (r.maxRetryAfterMs() < 0) {
            error(p + ".max_retry_after_ms", "must be >= 0");
        }
        statusCodes(p + ".on_status_codes", r.onStatusCodes());
    }

    private void healthPolicy(String p, HealthPolicy h) {
        positive(p + ".failure_threshold", h.failureThreshold());
        positive(p + ".window_seconds", h.windowSeconds());
        for (int i = 0; i < h.failureStatusCodes().size(); i++) {
            String code = h.failureStatusCodes().get(i);
            if (code == null || !STATUS_PATTERN.matcher(code).matches()) {
                error(p + ".failure_status_codes[" + i + "]", "must be a status code (429) or a class (5xx), got '" + code + "'");
            }
        }
    }

    private void statusCodes(String p, List<Integer> codes) {
        for (int i = 0; i < codes.size(); i++) {
            Integer c = codes.get(i);
            if (c == null || c < 100 || c > 599) {
                error(p + "[" + i + "]", "must be an HTTP status code between 100 and 599, got " + c);
            }
        }
    }

    // ---- identities and access

    private void subjects() {
        uniqueNames("users", config.users(), u -> u.name());
        uniqueNames("teams", config.teams(), Team::name);
        uniqueNames("service_accounts", config.serviceAccounts(), s -> s.name());
        for (int i = 0; i < config.users().size(); i++) {
            String n = config.users().get(i).name();
            if (name("users[" + i + "].name", n)) {
                subjects.add(SubjectRef.user(n));
            }
        }
        for (int i = 0; i < config.serviceAccounts().size(); i++) {
            String n = config.serviceAccounts().get(i).name();
            if (name("service_accounts[" + i + "].name", n)) {
                subjects.add(SubjectRef.serviceAccount(n));
            }
        }
        for (int i = 0; i < config.teams().size(); i++) {
            Team t = config.teams().get(i);
            if (name("teams[" + i + "].name", t.name())) {
                subjects.add(SubjectRef.team(t.name()));
            }
            for (int j = 0; j < t.members().size(); j++) {
                String member = t.members().get(j);
                if (member == null || !subjects.contains(SubjectRef.user(member))) {
                    error("teams[" + i + "].members[" + j + "]", "unknown user '" + member + "'");
                }
            }
        }
    }

    private void identityProviders() {
        uniqueNames("identity_providers", config.identityProviders(), IdentityProvider::name);
        String signInAt = null;
        Set<String> issuers = new HashSet<>();
        for (int i = 0; i < config.identityProviders().size(); i++) {
            IdentityProvider idp = config.identityProviders().get(i);
            String p = "identity_providers[" + i + "]";
            name(p + ".name", idp.name());
            if (required(p + ".issuer", idp.issuer()) && !issuers.add(idp.issuer())) {
                error(p + ".issuer", "duplicate issuer '" + idp.issuer() + "'");
            }
            if (idp.audiences().isEmpty()) {
                error(p + ".audiences", "must name at least one audience");
            }
            if (required(p + ".jwks_url", idp.jwksUrl())) {
                httpUrl(p + ".jwks_url", idp.jwksUrl());
            }
            positive(p + ".jwks_refresh_seconds", idp.jwksRefreshSeconds());
            if (idp.signIn() != null) {
                signIn(p, idp, signInAt);
                signInAt = signInAt == null ? p : signInAt;
            }
        }
    }

    /** The MCP gateway fronts one provider for sign-in: a client cannot be asked which one it wants. */
    private void signIn(String p, IdentityProvider idp, String earlier) {
        if (earlier != null) {
            error(p + ".sign_in", "only one identity provider may sign users in; " + earlier + " already does");
        }
        required(p + ".sign_in.client_id", idp.signIn().clientId());
        if (!idp.signIn().scopes().contains("openid")) {
            error(p + ".sign_in.scopes", "must include 'openid': the user is read from the ID token");
        }
        if (idp.issuer() != null) {
            httpUrl(p + ".issuer", idp.issuer());
        }
    }

    private void apiKeys() {
        uniqueNames("api_keys", config.apiKeys(), ApiKey::name);
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < config.apiKeys().size(); i++) {
            ApiKey k = config.apiKeys().get(i);
            String p = "api_keys[" + i + "]";
            if (name(p + ".name", k.name())) {
                apiKeyNames.add(k.name());
            }
            subjectRef(p + ".subject", k.subject());
            if (k.keyHash() == null) {
                error(p + ".key_hash", "is required (sha256:<64 lowercase hex>)");
            } else if (!KEY_HASH.matcher(k.keyHash()).matches()) {
                error(p + ".key_hash", "must be sha256:<64 lowercase hex>");
            } else if (!hashes.add(k.keyHash())) {
                error(p + ".key_hash", "the same key is already registered");
            }
        }
    }

    private void accessRules() {
        for (int i = 0; i < config.accessRules().size(); i++) {
            AccessRule r = config.accessRules().get(i);
            String p = "access_rules[" + i + "]";
            subjectList(p + ".subjects", r.subjects());
            modelPatterns(p + ".models", r.models());
        }
    }

    private void rateLimitsAndBudgets() {
        uniqueNames("rate_limits", config.rateLimits(), RateLimit::name);
        for (int i = 0; i < config.rateLimits().size(); i++) {
            RateLimit r = config.rateLimits().get(i);
            String p = "rate_limits[" + i + "]";
            name(p + ".name", r.name());
            limitSubjects(p + ".subjects", r.subjects());
            if (r.mcp()) {
                if (!r.models().isEmpty()) {
                    error(p + ".models", "a rule limits either models or MCP tool calls (mcp_servers, tools), not both");
                }
                for (int j = 0; j < r.mcpServers().size(); j++) {
                    String server = r.mcpServers().get(j);
                    if (server == null || !(server.equals("*") || mcpServerNames.contains(server))) {
                        error(p + ".mcp_servers[" + j + "]", "unknown MCP server '" + server + "'");
                    }
                }
                patterns(p + ".tools", r.tools());
                if (r.requests() == null) {
                    error(p + ".requests", "is required for an MCP rule (mcp_servers, tools)");
                }
                requestsOnly(p + ".tokens", r.tokens());
                requestsOnly(p + ".input_tokens", r.inputTokens());
                requestsOnly(p + ".output_tokens", r.outputTokens());
            } else {
                modelPatterns(p + ".models", r.models());
                if (r.requests() == null && r.tokens() == null && r.inputTokens() == null && r.outputTokens() == null) {
                    error(p, "set at least one of requests, tokens, input_tokens, output_tokens");
                }
            }
            positiveLong(p + ".requests", r.requests());
            positiveLong(p + ".tokens", r.tokens());
            positiveLong(p + ".input_tokens", r.inputTokens());
            positiveLong(p + ".output_tokens", r.outputTokens());
            required(p + ".per", r.per());
            if (r.perMetadata() != null && !METADATA_KEY.matcher(r.perMetadata()).matches()) {
                error(p + ".per_metadata", "must be an x-tfy-metadata field name (letters, digits, . _ -; max 128), got '"
                        + r.perMetadata() + "'");
            }
        }
        uniqueNames("budgets", config.budgets(), Budget::name);
        for (int i = 0; i < config.budgets().size(); i++) {
            Budget b = config.budgets().get(i);
            String p = "budgets[" + i + "]";
            name(p + ".name", b.name());
            limitSubjects(p + ".subjects", b.subjects());
            modelPatterns(p + ".models", b.models());
            if (b.limitUsd() == null) {
                error(p + ".limit_usd", "is required");
            } else if (b.limitUsd().signum() <= 0) {
                error(p + ".limit_usd", "must be > 0");
            }
            if (required(p + ".per", b.per()) && (b.per() == Period.MINUTE || b.per() == Period.HOUR)) {
                error(p + ".per", "must be day or month (a budget is a calendar period of spend; use a rate limit "
                        + "for minutes and hours)");
            }
            int previous = 0;
            for (int j = 0; j < b.alertThresholds().size(); j++) {
                int t = b.alertThresholds().get(j);
                if (t < 1 || t > 100) {
                    error(p + ".alert_thresholds[" + j + "]", "must be a percentage between 1 and 100, got " + t);
                } else if (t <= previous) {
                    error(p + ".alert_thresholds[" + j + "]", "must be greater than the one before (" + previous + ")");
                }
                previous = Math.max(previous, t);
            }
            if (b.alertWebhook() != null) {
                httpUrl(p + ".alert_webhook", b.alertWebhook());
            }
        }
    }

    private void requestsOnly(String p, Long value) {
        if (value != null) {
            error(p, "an MCP rule (mcp_servers, tools) limits requests only");
        }
    }

    // ---- MCP and guardrails

    private void mcp() {
        uniqueNames("mcp_servers", config.mcpServers(), McpServer::name);
        for (int i = 0; i < config.mcpServers().size(); i++) {
            McpServer s = config.mcpServers().get(i);
            String p = "mcp_servers[" + i + "]";
            if (name(p + ".name", s.name())) {
                mcpServerNames.add(s.name());
            }
            if (required(p + ".url", s.url())) {
                httpUrl(p + ".url", s.url());
            }
            mcpAuth(p + ".auth", s.auth());
            payloads(p, s.logPayloads(), s.logPayloadsMaxBytes());
        }
        uniqueNames("virtual_mcp_servers", config.virtualMcpServers(), VirtualMcpServer::name);
        for (int i = 0; i < config.virtualMcpServers().size(); i++) {
            VirtualMcpServer v = config.virtualMcpServers().get(i);
            String p = "virtual_mcp_servers[" + i + "]";
            name(p + ".name", v.name());
            if (v.name() != null && mcpServerNames.contains(v.name())) {
                error(p + ".name", "'" + v.name() + "' is already an MCP server's name");
            }
            if (v.tools().isEmpty()) {
                error(p + ".tools", "must name at least one tool as <server>/<tool>");
            }
            for (int j = 0; j < v.tools().size(); j++) {
                String tool = v.tools().get(j);
                int slash = tool == null ? -1 : tool.indexOf('/');
                if (slash <= 0 || slash == tool.length() - 1) {
                    error(p + ".tools[" + j + "]", "must be <server>/<tool>, got '" + tool + "'");
                } else if (!mcpServerNames.contains(tool.substring(0, slash))) {
                    error(p + ".tools[" + j + "]", "unknown MCP server '" + tool.substring(0, slash) + "'");
                }
            }
        }
        uniqueNames("tool_policies", config.toolPolicies(), ToolPolicy::name);
        for (int i = 0; i < config.toolPolicies().size(); i++) {
            ToolPolicy t = config.toolPolicies().get(i);
            String p = "tool_policies[" + i + "]";
            name(p + ".name", t.name());
            subjectList(p + ".subjects", t.subjects());
            if (required(p + ".server", t.server()) && !mcpServerNames.contains(t.server())) {
                error(p + ".server", "unknown MCP server '" + t.server() + "'");
            }
            patterns(p + ".allow", t.allow());
            patterns(p + ".deny", t.deny());
            patterns(p + ".require_approval", t.requireApproval());
            for (int j = 0; j < t.approvers().size(); j++) {
                subjectRef(p + ".approvers[" + j + "]", t.approvers().get(j));
            }
            patterns(p + ".allow_resources", t.allowResources());
            patterns(p + ".deny_resources", t.denyResources());
            patterns(p + ".allow_prompts", t.allowPrompts());
            patterns(p + ".deny_prompts", t.denyPrompts());
        }
    }

    /**
     * An MCP server's credential: the fields its type needs are required, and a field of another type is an error, so
     * that a config never names a credential that is silently ignored.
     */
    private void mcpAuth(String p, McpServer.McpAuth auth) {
        McpServer.McpAuth.Type type = auth.type();
        if (type == null) {
            error(p + ".type", "is required (none, bearer, header, oauth-client-credentials or "
                    + "databricks-service-principal)");
            return;
        }
        boolean staticToken = type == McpServer.McpAuth.Type.BEARER || type == McpServer.McpAuth.Type.HEADER;
        boolean oauth = type == McpServer.McpAuth.Type.OAUTH_CLIENT_CREDENTIALS;
        boolean databricks = type == McpServer.McpAuth.Type.DATABRICKS_SERVICE_PRINCIPAL;
        onlyFor(p + ".token", auth.token(), staticToken, "bearer and header");
        onlyFor(p + ".header", auth.header(), type == McpServer.McpAuth.Type.HEADER, "header");
        onlyFor(p + ".token_url", auth.tokenUrl(), oauth, "oauth-client-credentials");
        onlyFor(p + ".scope", auth.scope(), oauth, "oauth-client-credentials");
        onlyFor(p + ".audience", auth.audience(), oauth, "oauth-client-credentials");
        onlyFor(p + ".token_endpoint_auth_method", auth.tokenEndpointAuthMethod(), oauth, "oauth-client-credentials");
        onlyFor(p + ".workspace_url", auth.workspaceUrl(), databricks, "databricks-service-principal");
        onlyFor(p + ".client_id", auth.clientId(), type.oauth(),
                "oauth-client-credentials and databricks-service-principal");
        onlyFor(p + ".client_secret", auth.clientSecret(), type.oauth(),
                "oauth-client-credentials and databricks-service-principal");
        if (staticToken) {
            required(p + ".token", auth.token());
        }
        if (type == McpServer.McpAuth.Type.HEADER && required(p + ".header", auth.header())
                && !HEADER_NAME.matcher(auth.header()).matches()) {
            error(p + ".header", "must be an HTTP header name, got '" + auth.header() + "'");
        }
        if (oauth && required(p + ".token_url", auth.tokenUrl())) {
            httpUrl(p + ".token_url", auth.tokenUrl());
        }
        if (type.oauth()) {
            required(p + ".client_id", auth.clientId());
            required(p + ".client_secret", auth.clientSecret());
        }
        if (oauth) {
            notBlankIfGiven(p + ".scope", auth.scope());
            notBlankIfGiven(p + ".audience", auth.audience());
        }
        if (databricks && auth.workspaceUrl() != null) {
            httpUrl(p + ".workspace_url", auth.workspaceUrl());
        }
    }

    private void onlyFor(String p, Object value, boolean applies, String types) {
        if (value != null && !applies) {
            error(p, "applies only to auth type " + types);
        }
    }

    private void notBlankIfGiven(String p, String value) {
        if (value != null && value.isBlank()) {
            error(p, "must not be blank; leave it out instead");
        }
    }

    private void patterns(String p, List<String> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i) == null || patterns.get(i).isEmpty()) {
                error(p + "[" + i + "]", "must not be empty");
            }
        }
    }

    /**
     * Names, hooks and references to the rest of the config here; what each guardrail type needs (its block, hooks,
     * patterns, detectors, schema, webhook) in {@link GuardrailSpec}, which {@code Guardrails.compile} shares.
     */
    private void guardrails() {
        uniqueNames("guardrails", config.guardrails(), Guardrail::name);
        for (int i = 0; i < config.guardrails().size(); i++) {
            Guardrail g = config.guardrails().get(i);
            String p = "guardrails[" + i + "]";
            name(p + ".name", g.name());
            if (g.type() == null) {
                error(p + ".type", "is required (regex, pii, secrets, sql, json_schema, permission or webhook)");
            }
            guardrailHooks(p, g);
            modelPatterns(p + ".models", g.models());
            for (int j = 0; j < g.mcpServers().size(); j++) {
                if (!mcpServerNames.contains(g.mcpServers().get(j))) {
                    error(p + ".mcp_servers[" + j + "]", "unknown MCP server '" + g.mcpServers().get(j) + "'");
                }
            }
            guardrailTools(p + ".tools", g.tools());
            for (int j = 0; j < g.subjects().size(); j++) {
                subjectRef(p + ".subjects[" + j + "]", g.subjects().get(j));
            }
            if (g.permission() != null) {
                for (int j = 0; j < g.permission().subjects().size(); j++) {
                    subjectRef(p + ".permission.subjects[" + j + "]", g.permission().subjects().get(j));
                }
            }
            for (ConfigError e : GuardrailSpec.problems(g)) {
                error(p + "." + e.path(), e.message());
            }
        }
    }

    private void guardrailHooks(String p, Guardrail g) {
        if (g.hooks().isEmpty()) {
            error(p + ".hooks", "must name at least one of llm_input, llm_output, mcp_pre_tool, mcp_post_tool");
        }
        Set<Guardrail.Hook> seen = new HashSet<>();
        for (int j = 0; j < g.hooks().size(); j++) {
            if (g.hooks().get(j) == null) {
                error(p + ".hooks[" + j + "]", "must be llm_input, llm_output, mcp_pre_tool or mcp_post_tool");
            } else if (!seen.add(g.hooks().get(j))) {
                error(p + ".hooks[" + j + "]", "duplicate hook");
            }
        }
        boolean llm = seen.contains(Guardrail.Hook.LLM_INPUT) || seen.contains(Guardrail.Hook.LLM_OUTPUT);
        boolean tool = seen.contains(Guardrail.Hook.MCP_PRE_TOOL) || seen.contains(Guardrail.Hook.MCP_POST_TOOL);
        if (!g.models().isEmpty() && !llm && !seen.isEmpty()) {
            error(p + ".models", "narrows only llm_input and llm_output, and the guardrail has neither");
        }
        if ((!g.mcpServers().isEmpty() || !g.tools().isEmpty()) && !tool && !seen.isEmpty()) {
            error(p + (g.mcpServers().isEmpty() ? ".tools" : ".mcp_servers"),
                    "narrows only mcp_pre_tool and mcp_post_tool, and the guardrail has neither");
        }
    }

    /** A tool is the upstream's tool name, or {@code <server>/<tool>} with a known server. */
    private void guardrailTools(String p, List<String> tools) {
        for (int j = 0; j < tools.size(); j++) {
            String tool = tools.get(j);
            int slash = tool == null ? -1 : tool.indexOf('/');
            if (tool == null || tool.isBlank()) {
                error(p + "[" + j + "]", "must be a tool name or <server>/<tool>");
            } else if (slash == 0 || slash == tool.length() - 1) {
                error(p + "[" + j + "]", "must be a tool name or <server>/<tool>, got '" + tool + "'");
            } else if (slash > 0 && !mcpServerNames.contains(tool.substring(0, slash))) {
                error(p + "[" + j + "]", "unknown MCP server '" + tool.substring(0, slash) + "'");
            }
        }
    }

    // ---- shared checks

    private void subjectList(String p, List<SubjectRef> refs) {
        if (refs.isEmpty()) {
            error(p, "must name at least one subject");
        }
        for (int i = 0; i < refs.size(); i++) {
            subjectRef(p + "[" + i + "]", refs.get(i));
        }
    }

    private void subjectRef(String p, SubjectRef ref) {
        if (ref == null) {
            error(p, "is required (user:<name>, team:<name> or service_account:<name>)");
        } else if (ref.kind() == SubjectRef.Kind.API_KEY) {
            error(p, "'" + ref + "': api_key subjects are allowed only in rate_limits and budgets");
        } else if (!subjects.contains(ref)) {
            error(p, "unknown subject '" + ref + "'");
        }
    }

    /** Rate limits and budgets may also name a gateway API key, {@code api_key:<name>}. */
    private void limitSubjects(String p, List<SubjectRef> refs) {
        if (refs.isEmpty()) {
            error(p, "must name at least one subject");
        }
        for (int i = 0; i < refs.size(); i++) {
            SubjectRef ref = refs.get(i);
            if (ref != null && ref.kind() == SubjectRef.Kind.API_KEY) {
                if (!apiKeyNames.contains(ref.name())) {
                    error(p + "[" + i + "]", "unknown subject '" + ref + "'");
                }
            } else {
                subjectRef(p + "[" + i + "]", ref);
            }
        }
    }

    private void modelPatterns(String p, List<String> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            String m = patterns.get(i);
            if (m == null) {
                error(p + "[" + i + "]", "must not be empty");
            } else if (m.equals("*")) {
                continue;
            } else if (m.endsWith("/*")) {
                String account = m.substring(0, m.length() - 2);
                if (!accountNames.contains(account)) {
                    error(p + "[" + i + "]", "unknown provider account '" + account + "'");
                }
            } else if (!modelNames.contains(m) && !virtualModelNames.contains(m)) {
                error(p + "[" + i + "]", "names no model or virtual model: '" + m + "'");
            }
        }
    }

    private <T> void uniqueNames(String p, List<T> items, Function<T, String> nameOf) {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String n = nameOf.apply(items.get(i));
            if (n == null) {
                continue;
            }
            Integer earlier = first.putIfAbsent(n, i);
            if (earlier != null) {
                error(p + "[" + i + "]", "duplicate name '" + n + "' (also " + p + "[" + earlier + "])");
            }
        }
    }

    private boolean name(String p, String value) {
        if (value == null || value.isBlank()) {
            error(p, "is required");
            return false;
        }
        if (!NAME.matcher(value).matches()) {
            error(p, "must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (max 128)");
            return false;
        }
        return true;
    }

    private boolean required(String p, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            error(p, "is required");
            return false;
        }
        return true;
    }

    private void positive(String p, Integer value) {
        if (value != null && value <= 0) {
            error(p, "must be > 0");
        }
    }

    private void positiveLong(String p, Long value) {
        if (value != null && value <= 0) {
            error(p, "must be > 0");
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private void httpUrl(String p, String url) {
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                error(p, "must be an http or https URL, got '" + url + "'");
            }
        } catch (Exception e) {
            error(p, "must be an http or https URL, got '" + url + "'");
        }
    }

    private static String wire(ProviderType type) {
        return type.name().toLowerCase().replace('_', '-');
    }

    private static String wire(ProviderAuth.Type type) {
        return type.name().toLowerCase().replace('_', '-');
    }

    private void error(String path, String message) {
        errors.add(new ConfigError(path, message));
    }
}
