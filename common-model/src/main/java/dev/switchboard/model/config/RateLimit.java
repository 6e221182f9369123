package dev.switchboard.model.config;

import java.util.List;

/**
 * At most {@code requests} requests and/or {@code tokens} tokens (input and output together), {@code input_tokens},
 * {@code output_tokens} per {@code per} calendar period (UTC) for the listed subjects, counted as {@code counting}
 * says, on the models. With {@code per_metadata}, each value of that {@code x-tfy-metadata} field has its own
 * counter. A rule with {@code mcp_servers} or {@code tools} limits MCP {@code tools/call} requests instead of models.
 */
public record RateLimit(String name, List<SubjectRef> subjects, List<String> models, Long requests, Long tokens,
                        Long inputTokens, Long outputTokens, Period per, Counting counting, String perMetadata,
                        List<String> mcpServers, List<String> tools) {

    public RateLimit {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
        tools = tools == null ? List.of() : List.copyOf(tools);
        // An MCP rule limits tool calls, so its models default to none rather than to every model.
        models = models != null ? List.copyOf(models) : isMcp(mcpServers, tools) ? List.of() : List.of("*");
        counting = counting == null ? Counting.PER_SUBJECT : counting;
    }

    /** The limit as it was written before token sides, counting, metadata and MCP existed. */
    public RateLimit(String name, List<SubjectRef> subjects, List<String> models, Long requests, Long tokens,
                     Period per) {
        this(name, subjects, models, requests, tokens, null, null, per, null, null, null, null);
    }

    /** Whether the rule limits MCP tool calls rather than model requests. */
    public boolean mcp() {
        return isMcp(mcpServers, tools);
    }

    private static boolean isMcp(List<String> servers, List<String> tools) {
        return !servers.isEmpty() || !tools.isEmpty();
    }
}
