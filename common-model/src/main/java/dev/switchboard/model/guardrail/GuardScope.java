package dev.switchboard.model.guardrail;

import dev.switchboard.model.access.Principal;

/**
 * Where a check happens: who calls, and the model (LLM hooks) or the MCP server and tool (MCP hooks; {@code server}
 * is the upstream server's name and {@code tool} the upstream's own tool name, also behind a virtual server). A
 * guardrail's {@code models}, {@code mcp_servers}, {@code tools} and {@code subjects} are matched against it.
 */
public record GuardScope(Principal principal, String model, String server, String tool) {

    public static GuardScope llm(Principal principal, String model) {
        return new GuardScope(principal, model, null, null);
    }

    public static GuardScope tool(Principal principal, String server, String tool) {
        return new GuardScope(principal, null, server, tool);
    }
}
