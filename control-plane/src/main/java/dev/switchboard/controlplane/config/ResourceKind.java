package dev.switchboard.controlplane.config;

import dev.switchboard.controlplane.store.ResourceRow;
import dev.switchboard.controlplane.store.Rows;
import dev.switchboard.model.config.AccessRule;
import dev.switchboard.model.config.ApiKey;
import dev.switchboard.model.config.Budget;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.RateLimit;
import dev.switchboard.model.config.ServiceAccount;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import dev.switchboard.model.config.ToolPolicy;
import dev.switchboard.model.config.User;
import dev.switchboard.model.config.VirtualMcpServer;
import dev.switchboard.model.config.VirtualModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One kind of resource the admin API manages: its URL segment, its list in the config, its record type and its table.
 * Every kind but {@link #MODELS} is a top-level list of the config; models live inside their provider account and are
 * named {@code <account>/<model-id>}.
 */
public final class ResourceKind<T> {

    public static final ResourceKind<ProviderAccount> PROVIDER_ACCOUNTS = topLevel("provider-accounts",
            "provider_accounts", "provider account", ProviderAccount.class, ProviderAccount::name,
            SwitchboardConfig::providerAccounts, SwitchboardConfig.Builder::providerAccounts,
            Rows.ProviderAccountRow.class, Rows.ProviderAccountRow::new);
    public static final ResourceKind<VirtualModel> VIRTUAL_MODELS = topLevel("virtual-models", "virtual_models",
            "virtual model", VirtualModel.class, VirtualModel::name, SwitchboardConfig::virtualModels,
            SwitchboardConfig.Builder::virtualModels, Rows.VirtualModelRow.class, Rows.VirtualModelRow::new);
    public static final ResourceKind<IdentityProvider> IDENTITY_PROVIDERS = topLevel("identity-providers",
            "identity_providers", "identity provider", IdentityProvider.class, IdentityProvider::name,
            SwitchboardConfig::identityProviders, SwitchboardConfig.Builder::identityProviders,
            Rows.IdentityProviderRow.class, Rows.IdentityProviderRow::new);
    public static final ResourceKind<User> USERS = topLevel("users", "users", "user", User.class, User::name,
            SwitchboardConfig::users, SwitchboardConfig.Builder::users, Rows.UserRow.class, Rows.UserRow::new);
    public static final ResourceKind<Team> TEAMS = topLevel("teams", "teams", "team", Team.class, Team::name,
            SwitchboardConfig::teams, SwitchboardConfig.Builder::teams, Rows.TeamRow.class, Rows.TeamRow::new);
    public static final ResourceKind<ServiceAccount> SERVICE_ACCOUNTS = topLevel("service-accounts",
            "service_accounts", "service account", ServiceAccount.class, ServiceAccount::name,
            SwitchboardConfig::serviceAccounts, SwitchboardConfig.Builder::serviceAccounts,
            Rows.ServiceAccountRow.class, Rows.ServiceAccountRow::new);
    public static final ResourceKind<ApiKey> API_KEYS = topLevel("api-keys", "api_keys", "API key", ApiKey.class,
            ApiKey::name, SwitchboardConfig::apiKeys, SwitchboardConfig.Builder::apiKeys, Rows.ApiKeyRow.class,
            Rows.ApiKeyRow::new);
    public static final ResourceKind<AccessRule> ACCESS_RULES = topLevel("access-rules", "access_rules",
            "access rule", AccessRule.class, AccessRule::name, SwitchboardConfig::accessRules,
            SwitchboardConfig.Builder::accessRules, Rows.AccessRuleRow.class, Rows.AccessRuleRow::new);
    public static final ResourceKind<RateLimit> RATE_LIMITS = topLevel("rate-limits", "rate_limits", "rate limit",
            RateLimit.class, RateLimit::name, SwitchboardConfig::rateLimits, SwitchboardConfig.Builder::rateLimits,
            Rows.RateLimitRow.class, Rows.RateLimitRow::new);
    public static final ResourceKind<Budget> BUDGETS = topLevel("budgets", "budgets", "budget", Budget.class,
            Budget::name, SwitchboardConfig::budgets, SwitchboardConfig.Builder::budgets, Rows.BudgetRow.class,
            Rows.BudgetRow::new);
    public static final ResourceKind<McpServer> MCP_SERVERS = topLevel("mcp-servers", "mcp_servers", "MCP server",
            McpServer.class, McpServer::name, SwitchboardConfig::mcpServers, SwitchboardConfig.Builder::mcpServers,
            Rows.McpServerRow.class, Rows.McpServerRow::new);
    public static final ResourceKind<VirtualMcpServer> VIRTUAL_MCP_SERVERS = topLevel("virtual-mcp-servers",
            "virtual_mcp_servers", "virtual MCP server", VirtualMcpServer.class, VirtualMcpServer::name,
            SwitchboardConfig::virtualMcpServers, SwitchboardConfig.Builder::virtualMcpServers,
            Rows.VirtualMcpServerRow.class, Rows.VirtualMcpServerRow::new);
    public static final ResourceKind<ToolPolicy> TOOL_POLICIES = topLevel("tool-policies", "tool_policies",
            "tool policy", ToolPolicy.class, ToolPolicy::name, SwitchboardConfig::toolPolicies,
            SwitchboardConfig.Builder::toolPolicies, Rows.ToolPolicyRow.class, Rows.ToolPolicyRow::new);
    public static final ResourceKind<Guardrail> GUARDRAILS = topLevel("guardrails", "guardrails", "guardrail",
            Guardrail.class, Guardrail::name, SwitchboardConfig::guardrails, SwitchboardConfig.Builder::guardrails,
            Rows.GuardrailRow.class, Rows.GuardrailRow::new);

    /** Models, keyed {@code <account>/<model-id>}; addressed under their account in the API. */
    public static final ResourceKind<Model> MODELS = new ResourceKind<>("models", "models", "model", Model.class,
            "id", Model::id, null, null, ResourceKind::modelsByName, Rows.ModelRow.class, Rows.ModelRow::new);

    /** The top-level kinds, in the order of the config file. */
    public static final List<ResourceKind<?>> TOP_LEVEL = List.of(PROVIDER_ACCOUNTS, VIRTUAL_MODELS,
            IDENTITY_PROVIDERS, USERS, TEAMS, SERVICE_ACCOUNTS, API_KEYS, ACCESS_RULES, RATE_LIMITS, BUDGETS,
            MCP_SERVERS, VIRTUAL_MCP_SERVERS, TOOL_POLICIES, GUARDRAILS);

    /** Every kind with a table: the top-level ones and models. */
    public static final List<ResourceKind<?>> ALL = List.of(PROVIDER_ACCOUNTS, MODELS, VIRTUAL_MODELS,
            IDENTITY_PROVIDERS, USERS, TEAMS, SERVICE_ACCOUNTS, API_KEYS, ACCESS_RULES, RATE_LIMITS, BUDGETS,
            MCP_SERVERS, VIRTUAL_MCP_SERVERS, TOOL_POLICIES, GUARDRAILS);

    private final String path;
    private final String section;
    private final String label;
    private final Class<T> type;
    private final String idField;
    private final Function<T, String> nameOf;
    private final Function<SwitchboardConfig, List<T>> listOf;
    private final BiFunction<SwitchboardConfig.Builder, List<T>, SwitchboardConfig.Builder> setter;
    private final Function<SwitchboardConfig, Map<String, T>> entries;
    private final Class<? extends ResourceRow> rowType;
    private final Supplier<? extends ResourceRow> newRow;

    private ResourceKind(String path, String section, String label, Class<T> type, String idField,
                         Function<T, String> nameOf, Function<SwitchboardConfig, List<T>> listOf,
                         BiFunction<SwitchboardConfig.Builder, List<T>, SwitchboardConfig.Builder> setter,
                         Function<SwitchboardConfig, Map<String, T>> entries,
                         Class<? extends ResourceRow> rowType, Supplier<? extends ResourceRow> newRow) {
        this.path = path;
        this.section = section;
        this.label = label;
        this.type = type;
        this.idField = idField;
        this.nameOf = nameOf;
        this.listOf = listOf;
        this.setter = setter;
        this.entries = entries;
        this.rowType = rowType;
        this.newRow = newRow;
    }

    private static <T> ResourceKind<T> topLevel(String path, String section, String label, Class<T> type,
                                                Function<T, String> nameOf,
                                                Function<SwitchboardConfig, List<T>> listOf,
                                                BiFunction<SwitchboardConfig.Builder, List<T>, SwitchboardConfig.Builder> setter,
                                                Class<? extends ResourceRow> rowType,
                                                Supplier<? extends ResourceRow> newRow) {
        Function<SwitchboardConfig, Map<String, T>> entries = config -> {
            Map<String, T> out = new LinkedHashMap<>();
            for (T item : listOf.apply(config)) {
                out.putIfAbsent(nameOf.apply(item), stripped(item));
            }
            return out;
        };
        return new ResourceKind<>(path, section, label, type, "name", nameOf, listOf, setter, entries, rowType,
                newRow);
    }

    /** A top-level kind by its URL segment. */
    public static Optional<ResourceKind<?>> byPath(String path) {
        return TOP_LEVEL.stream().filter(k -> k.path.equals(path)).findFirst();
    }

    public String path() {
        return path;
    }

    /** The field of the config that lists this kind ({@code virtual_models}); {@code models} for models. */
    public String section() {
        return section;
    }

    /** In words, for messages: "virtual model". */
    public String label() {
        return label;
    }

    public Class<T> type() {
        return type;
    }

    /** The JSON field holding the resource's own name: {@code id} for models, {@code name} for the rest. */
    public String idField() {
        return idField;
    }

    public String nameOf(T item) {
        return nameOf.apply(item);
    }

    public List<T> list(SwitchboardConfig config) {
        return listOf.apply(config);
    }

    public SwitchboardConfig with(SwitchboardConfig config, List<T> items) {
        return setter.apply(config.toBuilder(), items).build();
    }

    /** The resources keyed by their name in this kind's table, in config order, as their rows store them. */
    public Map<String, T> entries(SwitchboardConfig config) {
        return entries.apply(config);
    }

    public Class<? extends ResourceRow> rowType() {
        return rowType;
    }

    public ResourceRow newRow() {
        return newRow.get();
    }

    /** The HQL entity name of this kind's table. */
    public String entity() {
        return rowType.getSimpleName();
    }

    @SuppressWarnings("unchecked")
    public T cast(Object value) {
        return (T) value;
    }

    /** A provider account's row holds the account without its models; they have rows of their own. */
    @SuppressWarnings("unchecked")
    private static <T> T stripped(T item) {
        if (item instanceof ProviderAccount a && !a.models().isEmpty()) {
            return (T) withoutModels(a);
        }
        return item;
    }

    public static ProviderAccount withoutModels(ProviderAccount a) {
        return a.withModels(List.of());
    }

    public static String modelName(String account, String modelId) {
        return account + "/" + modelId;
    }

    private static Map<String, Model> modelsByName(SwitchboardConfig config) {
        Map<String, Model> out = new LinkedHashMap<>();
        for (ProviderAccount account : config.providerAccounts()) {
            for (Model model : account.models()) {
                out.putIfAbsent(modelName(account.name(), model.id()), model);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return section;
    }
}
