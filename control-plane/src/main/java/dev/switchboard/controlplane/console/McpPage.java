package dev.switchboard.controlplane.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.access.ManagedMcpConfig;
import dev.switchboard.model.access.ToolAccess;
import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.ToolPolicy;
import dev.switchboard.model.config.VirtualMcpServer;
import dev.switchboard.model.secret.Secret;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The MCP side of the config at its current revision: servers (credentials shown as set or not, never their value),
 * tool policies, virtual servers, the guardrails on tool calls, and the {@code managed-mcp.json} a chosen user or
 * service account gets from the MCP gateway (computed by the same code, {@link ManagedMcpConfig}). Read-only: changes
 * go through the Config page.
 */
@Path(ConsolePaths.MCP)
public class McpPage {

    static final String SET = "***";
    static final String UNSET = "–";

    @Inject
    ConsoleCaller caller;

    @Inject
    ConfigStore store;

    @Inject
    ConsoleSettings settings;

    @Inject
    @Location("console/mcp.html")
    Template page;

    @TemplateData
    public record ServerView(String name, String url, String transport, String description, String auth,
                             String header, String secret, String tokenUrl, String clientId) {
    }

    @TemplateData
    public record PolicyView(String name, String subjects, String server, String allow, String deny,
                             String requireApproval, String approvers, String approval, String resources,
                             String prompts) {
    }

    @TemplateData
    public record VirtualView(String name, String description, List<String> tools) {
    }

    @TemplateData
    public record GuardrailView(String name, String type, String mode, String hooks, String scope, String webhook) {
    }

    @TemplateData
    public record Choice(String value, boolean selected) {
    }

    @GET
    public Uni<Response> mcp(@QueryParam("for") String forSubject) {
        ConsoleSession session = caller.session();
        return store.head().emitOn(Infrastructure.getDefaultWorkerPool()).map(head -> render(session, head,
                forSubject));
    }

    private Response render(ConsoleSession session, Head head, String forSubject) {
        SwitchboardConfig config = head.config();
        List<Choice> subjects = new ArrayList<>();
        SubjectRef chosen = null;
        String chosenError = null;
        for (String s : Stream.concat(config.users().stream().map(u -> "user:" + u.name()),
                config.serviceAccounts().stream().map(a -> "service_account:" + a.name())).toList()) {
            boolean selected = s.equals(forSubject);
            subjects.add(new Choice(s, selected));
            if (selected) {
                chosen = SubjectRef.parse(s);
            }
        }
        if (forSubject != null && !forSubject.isEmpty() && chosen == null) {
            chosenError = "no user or service account " + forSubject + " in revision " + head.revision();
        }
        String managed = null;
        String managedSettings = null;
        if (chosen != null) {
            String base = settings.mcpGatewayUrl().replaceAll("/+$", "");
            // as the gateway answers without ?auth=: the key header without an identity provider, the URL only with
            String keyVariable = config.identityProviders().isEmpty() ? ManagedMcpConfig.DEFAULT_KEY_VARIABLE : null;
            ObjectNode servers = ManagedMcpConfig.servers(config, ToolAccess.of(config), chosen, Set.of(), base,
                    keyVariable);
            managed = pretty(servers);
            managedSettings = pretty(ManagedMcpConfig.settings(servers, base));
        }
        String html = page.data("session", session).data("active", "mcp").data("revision", head.revision())
                .data("servers", config.mcpServers().stream().map(McpPage::server).toList())
                .data("policies", config.toolPolicies().stream().map(McpPage::policy).toList())
                .data("virtuals", config.virtualMcpServers().stream().map(McpPage::virtual).toList())
                .data("guardrails", config.guardrails().stream().filter(McpPage::onToolCalls).map(McpPage::guardrail)
                        .toList())
                .data("subjects", subjects).data("chosen", chosen == null ? null : chosen.toString())
                .data("chosenError", chosenError).data("managed", managed).data("managedSettings", managedSettings)
                .data("gatewayUrl", settings.mcpGatewayUrl())
                .render();
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }

    static ServerView server(McpServer s) {
        McpServer.McpAuth a = s.auth();
        return new ServerView(s.name(), s.url(), wire(s.transport()), s.description(),
                a == null ? "none" : wire(a.type()), a == null ? null : a.header(),
                a == null ? UNSET : masked(a.secret()), a == null ? null : a.tokenUrl(), a == null ? null : a.clientId());
    }

    static PolicyView policy(ToolPolicy p) {
        return new PolicyView(p.name(), refs(p.subjects()), p.server(), names(p.allow(), "every tool"),
                names(p.deny(), ""), names(p.requireApproval(), ""), refs(p.approvers()),
                p.approval() == null ? "api" : wire(p.approval()),
                allowDeny(p.allowResources(), p.denyResources()), allowDeny(p.allowPrompts(), p.denyPrompts()));
    }

    static VirtualView virtual(VirtualMcpServer v) {
        return new VirtualView(v.name(), v.description(), v.tools() == null ? List.of() : v.tools());
    }

    static boolean onToolCalls(Guardrail g) {
        return g.hooks() != null && g.hooks().stream()
                .anyMatch(h -> h == Guardrail.Hook.MCP_PRE_TOOL || h == Guardrail.Hook.MCP_POST_TOOL);
    }

    static GuardrailView guardrail(Guardrail g) {
        List<String> scope = new ArrayList<>();
        if (g.mcpServers() != null && !g.mcpServers().isEmpty()) {
            scope.add("servers " + String.join(", ", g.mcpServers()));
        }
        if (g.tools() != null && !g.tools().isEmpty()) {
            scope.add("tools " + String.join(", ", g.tools()));
        }
        if (g.subjects() != null && !g.subjects().isEmpty()) {
            scope.add("subjects " + refs(g.subjects()));
        }
        String webhook = g.webhook() == null ? null
                : g.webhook().url() + (g.webhook().token() == null ? "" : " (token " + SET + ")");
        return new GuardrailView(g.name(), wire(g.type()), wire(g.mode()),
                String.join(", ", g.hooks().stream().map(McpPage::wire).toList()),
                scope.isEmpty() ? "every tool call" : String.join("; ", scope), webhook);
    }

    /** A secret is shown as set or not: never its value, clear or sealed. */
    static String masked(Secret secret) {
        return secret == null ? UNSET : SET;
    }

    private static String refs(Collection<SubjectRef> refs) {
        return refs == null ? "" : String.join(", ", refs.stream().map(SubjectRef::toString).toList());
    }

    private static String names(List<String> names, String whenEmpty) {
        return names == null || names.isEmpty() ? whenEmpty : String.join(", ", names);
    }

    private static String allowDeny(List<String> allow, List<String> deny) {
        String a = names(allow, "");
        String d = names(deny, "");
        return (a.isEmpty() ? "" : "allow " + a) + (!a.isEmpty() && !d.isEmpty() ? "; " : "")
                + (d.isEmpty() ? "" : "deny " + d);
    }

    /** An enum as the config spells it ({@code @JsonProperty}). */
    private static String wire(Enum<?> value) {
        return value == null ? "" : ConfigJson.mapper().convertValue(value, String.class);
    }

    private static String pretty(ObjectNode doc) {
        try {
            return ConfigJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
