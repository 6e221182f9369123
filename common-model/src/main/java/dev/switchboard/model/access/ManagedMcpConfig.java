package dev.switchboard.model.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.config.McpServer;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.VirtualMcpServer;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Claude Code's managed configuration for one caller, as the MCP gateway serves it and the console previews it:
 * {@code managed-mcp.json} names each server and virtual server the caller may use (a virtual one when it exposes at
 * least one tool they are granted); {@code managed-settings.json} allows exactly those URLs and blocks marketplace
 * servers. With a key variable, each entry sends {@code Authorization: Bearer ${VARIABLE}} (Claude Code expands it when
 * it connects, so no key is written into the file); without, the entry is the URL only (sign-in with the identity
 * provider).
 */
public final class ManagedMcpConfig {

    public static final String DEFAULT_KEY_VARIABLE = "SWITCHBOARD_API_KEY";
    /** A name an environment variable may have. */
    public static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedMcpConfig() {
    }

    /** {@code managed-mcp.json} of {@code subject} for a gateway reached at {@code baseUrl}; keyVariable may be null. */
    public static ObjectNode servers(SwitchboardConfig config, ToolAccess access, SubjectRef subject,
                                     Collection<String> claimedTeams, String baseUrl, String keyVariable) {
        Set<String> usable = access.usableServers(subject, claimedTeams);
        ObjectNode servers = JSON.createObjectNode();
        for (McpServer s : config.mcpServers()) {
            if (usable.contains(s.name())) {
                entry(servers, s.name(), endpointUrl(baseUrl, s.name()), keyVariable);
            }
        }
        for (VirtualMcpServer v : config.virtualMcpServers()) {
            boolean any = VirtualToolNames.of(v).all().values().stream()
                    .anyMatch(t -> access.grant(subject, claimedTeams, t.server()).allows(t.tool()));
            if (any) {
                entry(servers, v.name(), endpointUrl(baseUrl, v.name()), keyVariable);
            }
        }
        return servers;
    }

    /** {@code managed-settings.json} for the servers of {@link #servers}. */
    public static ObjectNode settings(ObjectNode servers, String baseUrl) {
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode allowed = doc.putArray("allowedMcpServers");
        servers.fieldNames().forEachRemaining(name ->
                allowed.addObject().put("serverUrl", baseUrl + "/mcp/v1/" + name + "/*"));
        doc.putArray("strictKnownMarketplaces");
        return doc;
    }

    public static String endpointUrl(String baseUrl, String name) {
        return baseUrl + "/mcp/v1/" + name + "/mcp";
    }

    private static void entry(ObjectNode servers, String name, String url, String keyVariable) {
        ObjectNode entry = servers.putObject(name).put("type", "http").put("url", url);
        if (keyVariable != null) {
            entry.putObject("headers").put("Authorization", "Bearer ${" + keyVariable + "}");
        }
    }
}
