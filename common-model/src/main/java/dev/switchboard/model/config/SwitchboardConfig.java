package dev.switchboard.model.config;

import java.util.List;

/**
 * The whole configuration of a Switchboard deployment, as written in the standalone YAML file and as carried in a
 * {@link dev.switchboard.model.snapshot.ConfigSnapshot}. Absent lists are empty; absent policies take their defaults.
 */
public record SwitchboardConfig(
        List<ProviderAccount> providerAccounts,
        List<VirtualModel> virtualModels,
        HealthPolicy healthPolicy,
        List<IdentityProvider> identityProviders,
        List<User> users,
        List<Team> teams,
        List<ServiceAccount> serviceAccounts,
        List<ApiKey> apiKeys,
        List<AccessRule> accessRules,
        List<RateLimit> rateLimits,
        List<Budget> budgets,
        List<McpServer> mcpServers,
        List<VirtualMcpServer> virtualMcpServers,
        List<ToolPolicy> toolPolicies,
        List<Guardrail> guardrails) {

    public static final SwitchboardConfig EMPTY = builder().build();

    public SwitchboardConfig {
        providerAccounts = copy(providerAccounts);
        virtualModels = copy(virtualModels);
        healthPolicy = healthPolicy == null ? HealthPolicy.DEFAULTS : healthPolicy;
        identityProviders = copy(identityProviders);
        users = copy(users);
        teams = copy(teams);
        serviceAccounts = copy(serviceAccounts);
        apiKeys = copy(apiKeys);
        accessRules = copy(accessRules);
        rateLimits = copy(rateLimits);
        budgets = copy(budgets);
        mcpServers = copy(mcpServers);
        virtualMcpServers = copy(virtualMcpServers);
        toolPolicies = copy(toolPolicies);
        guardrails = copy(guardrails);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.providerAccounts = providerAccounts;
        b.virtualModels = virtualModels;
        b.healthPolicy = healthPolicy;
        b.identityProviders = identityProviders;
        b.users = users;
        b.teams = teams;
        b.serviceAccounts = serviceAccounts;
        b.apiKeys = apiKeys;
        b.accessRules = accessRules;
        b.rateLimits = rateLimits;
        b.budgets = budgets;
        b.mcpServers = mcpServers;
        b.virtualMcpServers = virtualMcpServers;
        b.toolPolicies = toolPolicies;
        b.guardrails = guardrails;
        return b;
    }

    /** For code and tests that assemble a config piece by piece. */
    public static final class Builder {
        private List<ProviderAccount> providerAccounts;
        private List<VirtualModel> virtualModels;
        private HealthPolicy healthPolicy;
        private List<IdentityProvider> identityProviders;
        private List<User> users;
        private List<Team> teams;
        private List<ServiceAccount> serviceAccounts;
        private List<ApiKey> apiKeys;
        private List<AccessRule> accessRules;
        private List<RateLimit> rateLimits;
        private List<Budget> budgets;
        private List<McpServer> mcpServers;
        private List<VirtualMcpServer> virtualMcpServers;
        private List<ToolPolicy> toolPolicies;
        private List<Guardrail> guardrails;

        public Builder providerAccounts(List<ProviderAccount> v) { providerAccounts = v; return this; }
        public Builder virtualModels(List<VirtualModel> v) { virtualModels = v; return this; }
        public Builder healthPolicy(HealthPolicy v) { healthPolicy = v; return this; }
        public Builder identityProviders(List<IdentityProvider> v) { identityProviders = v; return this; }
        public Builder users(List<User> v) { users = v; return this; }
        public Builder teams(List<Team> v) { teams = v; return this; }
        public Builder serviceAccounts(List<ServiceAccount> v) { serviceAccounts = v; return this; }
        public Builder apiKeys(List<ApiKey> v) { apiKeys = v; return this; }
        public Builder accessRules(List<AccessRule> v) { accessRules = v; return this; }
        public Builder rateLimits(List<RateLimit> v) { rateLimits = v; return this; }
        public Builder budgets(List<Budget> v) { budgets = v; return this; }
        public Builder mcpServers(List<McpServer> v) { mcpServers = v; return this; }
        public Builder virtualMcpServers(List<VirtualMcpServer> v) { virtualMcpServers = v; return this; }
        public Builder toolPolicies(List<ToolPolicy> v) { toolPolicies = v; return this; }
        public Builder guardrails(List<Guardrail> v) { guardrails = v; return this; }

        public SwitchboardConfig build() {
            return new SwitchboardConfig(providerAccounts, virtualModels, healthPolicy, identityProviders, users, teams,
                    serviceAccounts, apiKeys, accessRules, rateLimits, budgets, mcpServers, virtualMcpServers,
                    toolPolicies, guardrails);
        }
    }
}
