package dev.switchboard.gateway.snapshot;

import dev.switchboard.gateway.guardrail.GuardrailWebhooks;
import dev.switchboard.gateway.provider.Upstream;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.VirtualModel;
import dev.switchboard.model.guardrail.Guardrails;
import dev.switchboard.model.limits.LimitRules;
import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.snapshot.ModelRef;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import dev.switchboard.runtime.feed.PlaneState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the request path reads, for one snapshot: the snapshot's indexes, each provider account made ready
 * to call (URL parsed, credential resolved), the guardrails and the rate limits and budgets compiled. Immutable; a request takes one at its start
 * and uses only that one.
 */
public final class GatewayState implements PlaneState {

    private final ConfigSnapshot snapshot;
    private final Map<String, Upstream> upstreams;
    private final List<String> warnings;
    private final Guardrails guardrails;
    /** Whether any guardrail is attached to the hook at all: the request path's allocation-free fast path. */
    private final boolean guardsLlmInput;
    private final boolean guardsLlmOutput;
    private final LimitRules limits;
    /** The models and virtual models whose payloads are logged, with their caps; empty (the default) when none. */
    private final Map<String, Integer> payloadCaps;

    private GatewayState(ConfigSnapshot snapshot, Map<String, Upstream> upstreams, List<String> warnings,
                         Guardrails guardrails) {
        this.limits = LimitRules.compile(snapshot.config());
        this.snapshot = snapshot;
        this.upstreams = upstreams;
        this.warnings = warnings;
        this.guardrails = guardrails;
        this.guardsLlmInput = attached(snapshot, Guardrail.Hook.LLM_INPUT);
        this.guardsLlmOutput = attached(snapshot, Guardrail.Hook.LLM_OUTPUT);
        this.payloadCaps = payloadCaps(snapshot);
    }

    private static Map<String, Integer> payloadCaps(ConfigSnapshot snapshot) {
        Map<String, Integer> caps = new HashMap<>();
        for (ModelRef m : snapshot.models()) {
            if (m.model().payloadCap() > 0) {
                caps.put(m.name(), m.model().payloadCap());
            }
        }
        for (VirtualModel vm : snapshot.virtualModels()) {
            if (vm.payloadCap() > 0) {
                caps.put(vm.name(), vm.payloadCap());
            }
        }
        return Map.copyOf(caps);
    }

    /** Prepares a snapshot; accounts whose credential cannot be resolved are kept, marked, and reported in warnings. */
    public static GatewayState prepare(ConfigSnapshot snapshot, SecretResolver secrets) {
        Map<String, Upstream> upstreams = new HashMap<>();
        List<String> warnings = new java.util.ArrayList<>();
        for (ProviderAccount account : snapshot.config().providerAccounts()) {
            String credential = null;
            String error = null;
            Upstream.AwsKeys awsKeys = null;
            Secret secret = credentialOf(account.auth());
            try {
                if (secret != null) {
                    credential = secrets.reveal(secret);
                }
                if (account.auth().type() == ProviderAuth.Type.AWS_ACCESS_KEY) {
                    ProviderAuth auth = account.auth();
                    awsKeys = new Upstream.AwsKeys(secrets.reveal(auth.accessKeyId()), credential,
                            auth.sessionToken() == null ? null : secrets.reveal(auth.sessionToken()));
                }
            } catch (RuntimeException e) {
                error = e.getMessage();
                warnings.add("provider account '" + account.name() + "': credential unavailable: " + error);
            }
            upstreams.put(account.name(), Upstream.of(account, credential, error, error == null ? awsKeys : null));
        }
        return new GatewayState(snapshot, Map.copyOf(upstreams), List.copyOf(warnings),
                compile(snapshot, secrets));
    }

    /** Compiled once per snapshot, here, off the request path; webhook guardrails call out through Vert.x. */
    private static Guardrails compile(ConfigSnapshot snapshot, SecretResolver secrets) {
        if (snapshot.config().guardrails().isEmpty()) {
            return Guardrails.NONE;
        }
        try {
            return Guardrails.compile(snapshot.config(), GuardrailWebhooks.SHARED, secrets);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            // refused like any invalid config: the previous snapshot keeps serving
            throw new ConfigException(List.of(new ConfigError("guardrails", "cannot be compiled: " + e.getMessage())));
        }
    }

    private static boolean attached(ConfigSnapshot snapshot, Guardrail.Hook hook) {
        for (Guardrail g : snapshot.config().guardrails()) {
            if (g.hooks().contains(hook)) {
                return true;
            }
        }
        return false;
    }

    private static Secret credentialOf(ProviderAuth auth) {
        return switch (auth.type()) {
            case API_KEY -> auth.apiKey();
            case DATABRICKS_PAT -> auth.token();
            // the OAuth flows exchange the secret (or the service-account key) for a token; their adapters own that
            case DATABRICKS_SERVICE_PRINCIPAL, AZURE_ENTRA_ID -> auth.clientSecret();
            case GOOGLE_SERVICE_ACCOUNT -> auth.serviceAccountKey();
            // the secret key signs; the key id and session token go with it in Upstream.AwsKeys
            case AWS_ACCESS_KEY -> auth.secretAccessKey();
            // the AWS SDK's credential providers read these themselves
            case NONE, AWS_ENVIRONMENT, AWS_WEB_IDENTITY -> null;
        };
    }

    @Override
    public ConfigSnapshot snapshot() {
        return snapshot;
    }

    public Optional<Upstream> upstream(String accountName) {
        return Optional.ofNullable(upstreams.get(accountName));
    }

    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** The rate limits and budgets, indexed by subject; their counters outlive the snapshot. */
    public LimitRules limits() {
        return limits;
    }

    public Guardrails guardrails() {
        return guardrails;
    }

    /** False when no guardrail is attached to {@code llm_input}: nothing to check, nothing to allocate. */
    public boolean guardsLlmInput() {
        return guardsLlmInput;
    }

    /** False when no guardrail is attached to {@code llm_output}. */
    public boolean guardsLlmOutput() {
        return guardsLlmOutput;
    }

    /**
     * The payload cap in bytes of a request that names {@code model} (a model or a virtual model), 0 when its
     * payloads are not logged. Without any entry that logs payloads this is one empty-map check.
     */
    public int payloadCap(String model) {
        if (payloadCaps.isEmpty() || model == null) {
            return 0;
        }
        Integer cap = payloadCaps.get(model);
        return cap == null ? 0 : cap;
    }

    @Override
    public String summary() {
        return String.format("%d provider accounts, %d models, %d virtual models, %d API keys",
                snapshot.config().providerAccounts().size(), snapshot.models().size(),
                snapshot.virtualModels().size(), snapshot.config().apiKeys().size());
    }
}
