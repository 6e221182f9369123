package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A check at one or more hooks: LLM input and output, MCP before and after a tool call. {@code patterns} are regular
 * expressions ({@code regex}) or words ({@code keyword}); {@code pii} uses the built-in detectors. {@code models} and
 * {@code mcp_servers} narrow where it applies (empty = everywhere).
 */
public record Guardrail(String name, Type type, List<Hook> hooks, Action action, List<String> patterns,
                        List<String> models, List<String> mcpServers) {

    public enum Type {
        @JsonProperty("regex") REGEX,
        @JsonProperty("keyword") KEYWORD,
        @JsonProperty("pii") PII
    }

    public enum Hook {
        @JsonProperty("llm_input") LLM_INPUT,
        @JsonProperty("llm_output") LLM_OUTPUT,
        @JsonProperty("mcp_pre_tool") MCP_PRE_TOOL,
        @JsonProperty("mcp_post_tool") MCP_POST_TOOL
    }

    public enum Action {
        @JsonProperty("block") BLOCK,
        @JsonProperty("redact") REDACT,
        @JsonProperty("warn") WARN
    }

    public Guardrail {
        hooks = hooks == null ? List.of() : List.copyOf(hooks);
        action = action == null ? Action.BLOCK : action;
        patterns = patterns == null ? List.of() : List.copyOf(patterns);
        models = models == null ? List.of() : List.copyOf(models);
        mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
    }
}
