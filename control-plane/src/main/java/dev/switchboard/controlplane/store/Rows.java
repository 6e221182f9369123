package dev.switchboard.controlplane.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The table of each resource kind; they differ only in name, except that a model also names its account. */
public final class Rows {

    private Rows() {
    }

    @Entity(name = "ProviderAccountRow")
    @Table(name = "provider_accounts")
    public static class ProviderAccountRow extends ResourceRow {
    }

    @Entity(name = "VirtualModelRow")
    @Table(name = "virtual_models")
    public static class VirtualModelRow extends ResourceRow {
    }

    @Entity(name = "IdentityProviderRow")
    @Table(name = "identity_providers")
    public static class IdentityProviderRow extends ResourceRow {
    }

    @Entity(name = "UserRow")
    @Table(name = "users")
    public static class UserRow extends ResourceRow {
    }

    @Entity(name = "TeamRow")
    @Table(name = "teams")
    public static class TeamRow extends ResourceRow {
    }

    @Entity(name = "ServiceAccountRow")
    @Table(name = "service_accounts")
    public static class ServiceAccountRow extends ResourceRow {
    }

    @Entity(name = "ApiKeyRow")
    @Table(name = "api_keys")
    public static class ApiKeyRow extends ResourceRow {
    }

    @Entity(name = "AccessRuleRow")
    @Table(name = "access_rules")
    public static class AccessRuleRow extends ResourceRow {
    }

    @Entity(name = "RateLimitRow")
    @Table(name = "rate_limits")
    public static class RateLimitRow extends ResourceRow {
    }

    @Entity(name = "BudgetRow")
    @Table(name = "budgets")
    public static class BudgetRow extends ResourceRow {
    }

    @Entity(name = "McpServerRow")
    @Table(name = "mcp_servers")
    public static class McpServerRow extends ResourceRow {
    }

    @Entity(name = "VirtualMcpServerRow")
    @Table(name = "virtual_mcp_servers")
    public static class VirtualMcpServerRow extends ResourceRow {
    }

    @Entity(name = "ToolPolicyRow")
    @Table(name = "tool_policies")
    public static class ToolPolicyRow extends ResourceRow {
    }

    @Entity(name = "GuardrailRow")
    @Table(name = "guardrails")
    public static class GuardrailRow extends ResourceRow {
    }

    /** A model of a provider account; {@code name} is {@code <account>/<model-id>}. */
    @Entity(name = "ModelRow")
    @Table(name = "models")
    public static class ModelRow extends ResourceRow {
        public String account;
    }
}
