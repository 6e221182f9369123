package dev.switchboard.controlplane.config;

import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.IdentityProvider;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.ProviderAccount;
import dev.switchboard.model.config.ProviderAuth;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.secret.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Visits every credential field of the config: a provider account's {@code auth.api_key}, {@code auth.token},
 * {@code auth.client_secret} and {@code auth.service_account_key}, an MCP server's {@code auth.token}, a webhook
 * guardrail's {@code webhook.token} and an identity provider's {@code sign_in.client_secret}. A {@link Rule} decides what each becomes, knowing the secret stored at the same place before (matched by the
 * resource's name).
 */
public final class SecretFields {

    /** What a secret in a new or changed resource becomes; {@code stored} is the one there before, or null. */
    @FunctionalInterface
    public interface Rule {
        Secret apply(String path, Secret given, Secret stored);
    }

    private SecretFields() {
    }

    public static SwitchboardConfig apply(SwitchboardConfig next, SwitchboardConfig previous, Rule rule) {
        Map<String, ProviderAccount> oldAccounts = new HashMap<>();
        previous.providerAccounts().forEach(a -> oldAccounts.putIfAbsent(a.name(), a));
        Map<String, McpServer> oldServers = new HashMap<>();
        previous.mcpServers().forEach(s -> oldServers.putIfAbsent(s.name(), s));
        List<ProviderAccount> accounts = new ArrayList<>();
        for (int i = 0; i < next.providerAccounts().size(); i++) {
            ProviderAccount a = next.providerAccounts().get(i);
            accounts.add(apply(a, oldAccounts.get(a.name()), "provider_accounts[" + i + "]", rule));
        }
        List<McpServer> servers = new ArrayList<>();
        for (int i = 0; i < next.mcpServers().size(); i++) {
            McpServer s = next.mcpServers().get(i);
            servers.add(apply(s, oldServers.get(s.name()), "mcp_servers[" + i + "]", rule));
        }
        Map<String, Guardrail> oldGuardrails = new HashMap<>();
        previous.guardrails().forEach(g -> oldGuardrails.putIfAbsent(g.name(), g));
        List<Guardrail> guardrails = new ArrayList<>();
        for (int i = 0; i < next.guardrails().size(); i++) {
            Guardrail g = next.guardrails().get(i);
            guardrails.add(apply(g, oldGuardrails.get(g.name()), "guardrails[" + i + "]", rule));
        }
        Map<String, IdentityProvider> oldIdps = new HashMap<>();
        previous.identityProviders().forEach(p -> oldIdps.putIfAbsent(p.name(), p));
        List<IdentityProvider> idps = new ArrayList<>();
        for (int i = 0; i < next.identityProviders().size(); i++) {
            IdentityProvider p = next.identityProviders().get(i);
            idps.add(apply(p, oldIdps.get(p.name()), "identity_providers[" + i + "]", rule));
        }
        return next.toBuilder().providerAccounts(accounts).mcpServers(servers).guardrails(guardrails)
                .identityProviders(idps).build();
    }

    /** Applies the rule to a single resource of any kind; kinds without secrets come back as they are. */
    public static <T> T apply(ResourceKind<T> kind, T next, T previous, String prefix, Rule rule) {
        if (next instanceof ProviderAccount a) {
            return kind.cast(apply(a, (ProviderAccount) previous, prefix, rule));
        }
        if (next instanceof McpServer s) {
            return kind.cast(apply(s, (McpServer) previous, prefix, rule));
        }
        if (next instanceof Guardrail g) {
            return kind.cast(apply(g, (Guardrail) previous, prefix, rule));
        }
        if (next instanceof IdentityProvider p) {
            return kind.cast(apply(p, (IdentityProvider) previous, prefix, rule));
        }
        return next;
    }

    public static ProviderAccount apply(ProviderAccount next, ProviderAccount previous, String prefix, Rule rule) {
        ProviderAuth auth = next.auth();
        ProviderAuth old = previous == null ? null : previous.auth();
        String p = join(prefix, "auth.");
        ProviderAuth mapped = new ProviderAuth(auth.type(),
                map(p + "api_key", auth.apiKey(), old == null ? null : old.apiKey(), rule),
                map(p + "token", auth.token(), old == null ? null : old.token(), rule),
                auth.clientId(),
                map(p + "client_secret", auth.clientSecret(), old == null ? null : old.clientSecret(), rule),
                auth.tenantId(), auth.tokenUrl(),
                map(p + "service_account_key", auth.serviceAccountKey(), old == null ? null : old.serviceAccountKey(),
                        rule),
                map(p + "access_key_id", auth.accessKeyId(), old == null ? null : old.accessKeyId(), rule),
                map(p + "secret_access_key", auth.secretAccessKey(), old == null ? null : old.secretAccessKey(), rule),
                map(p + "session_token", auth.sessionToken(), old == null ? null : old.sessionToken(), rule),
                auth.roleArn(), auth.webIdentityTokenFile(), auth.roleSessionName());
        return mapped.equals(auth) ? next : next.withAuth(mapped);
    }

    public static McpServer apply(McpServer next, McpServer previous, String prefix, Rule rule) {
        McpServer.McpAuth auth = next.auth();
        McpServer.McpAuth old = previous == null ? null : previous.auth();
        Secret token = map(join(prefix, "auth.token"), auth.token(), old == null ? null : old.token(), rule);
        Secret clientSecret = map(join(prefix, "auth.client_secret"), auth.clientSecret(),
                old == null ? null : old.clientSecret(), rule);
        return token == auth.token() && clientSecret == auth.clientSecret() ? next
                : next.withAuth(auth.withSecrets(token, clientSecret));
    }

    public static Guardrail apply(Guardrail next, Guardrail previous, String prefix, Rule rule) {
        Guardrail.WebhookRule webhook = next.webhook();
        if (webhook == null || webhook.token() == null) {
            return next;
        }
        Secret stored = previous == null || previous.webhook() == null ? null : previous.webhook().token();
        Secret token = map(join(prefix, "webhook.token"), webhook.token(), stored, rule);
        return token == webhook.token() ? next
                : new Guardrail(next.name(), next.type(), next.mode(), next.hooks(), next.models(), next.mcpServers(),
                        next.tools(), next.subjects(), next.regex(), next.pii(), next.secrets(), next.sql(),
                        next.jsonSchema(), next.permission(),
                        new Guardrail.WebhookRule(webhook.url(), webhook.timeoutMs(), token));
    }

    public static IdentityProvider apply(IdentityProvider next, IdentityProvider previous, String prefix, Rule rule) {
        IdentityProvider.SignIn signIn = next.signIn();
        if (signIn == null || signIn.clientSecret() == null) {
            return next;
        }
        Secret stored = previous == null || previous.signIn() == null ? null : previous.signIn().clientSecret();
        Secret secret = map(join(prefix, "sign_in.client_secret"), signIn.clientSecret(), stored, rule);
        return secret == signIn.clientSecret() ? next
                : new IdentityProvider(next.name(), next.issuer(), next.audiences(), next.jwksUrl(), next.claims(),
                        next.jwksRefreshSeconds(), new IdentityProvider.SignIn(signIn.clientId(), secret,
                                signIn.scopes(), signIn.tokenEndpointAuthMethod()));
    }

    private static Secret map(String path, Secret given, Secret stored, Rule rule) {
        return given == null ? null : rule.apply(path, given, stored);
    }

    private static String join(String prefix, String rest) {
        return prefix.isEmpty() ? rest : prefix + "." + rest;
    }
}
