package dev.switchboard.mcpgateway.metrics;

import dev.switchboard.mcpgateway.audit.ToolCallRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The MCP gateway's Prometheus series (docs/observability.md#metrics), recorded from each tool call's audit record:
 * {@code switchboard_mcp_tool_calls_total{server, tool, outcome}} and
 * {@code switchboard_mcp_tool_call_duration_seconds{server, tool}}. Never per user. A caller can name any tool (a
 * refused call for a tool that does not exist is counted too), so each server keeps at most {@link #MAX_TOOLS} tool
 * labels, and the gateway at most {@link #MAX_SERVERS} server labels; calls beyond count under {@link #OTHER}.
 * Meters are looked up in maps by the record's strings: a call allocates nothing once its labels have been seen.
 */
public final class ToolCallMetrics {

    public static final String CALLS = "switchboard.mcp.tool.calls";
    public static final String DURATION = "switchboard.mcp.tool.call.duration";
    public static final String OTHER = "other";
    static final int MAX_TOOLS = 200;
    static final int MAX_SERVERS = 200;

    /*
     * Tool calls range from a local lookup (a few ms) to a slow job or a human approval (minutes): a dozen fixed
     * buckets over that range rather than Micrometer's percentile histogram, whose 276 buckets per series would
     * multiply by every tool.
     */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

    private final MeterRegistry registry;
    private final Map<String, Map<String, ToolMeters>> servers = new ConcurrentHashMap<>();

    public ToolCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One finished tool call, whatever its outcome. */
    public void record(ToolCallRecord call) {
        ToolMeters meters = tool(server(call.server()), call.server(), call.tool());
        meters.calls(call.outcome()).increment();
        meters.duration.record(call.latencyMicros(), TimeUnit.MICROSECONDS);
    }

    private Map<String, ToolMeters> server(String name) {
        Map<String, ToolMeters> tools = servers.get(name);
        if (tools != null) {
            return tools;
        }
        return servers.computeIfAbsent(servers.size() < MAX_SERVERS ? name : OTHER, n -> new ConcurrentHashMap<>());
    }

    private ToolMeters tool(Map<String, ToolMeters> tools, String server, String tool) {
        ToolMeters meters = tools.get(tool);
        if (meters != null) {
            return meters;
        }
        String serverLabel = servers.get(server) == tools ? server : OTHER;
        String toolLabel = tools.size() < MAX_TOOLS && !OTHER.equals(serverLabel) ? tool : OTHER;
        return tools.computeIfAbsent(toolLabel, t -> new ToolMeters(serverLabel, t));
    }

    private final class ToolMeters {

        private final String server;
        private final String tool;
        private final Timer duration;
        private final Map<String, Counter> calls = new ConcurrentHashMap<>();

        ToolMeters(String server, String tool) {
            this.server = server;
            this.tool = tool;
            this.duration = Timer.builder(DURATION).description("Time the gateway held a tool call, approval included")
                    .tags("server", server, "tool", tool).serviceLevelObjectives(BUCKETS).register(registry);
        }

        Counter calls(String outcome) {
            Counter counter = calls.get(outcome);
            return counter != null ? counter : calls.computeIfAbsent(outcome, o -> Counter.builder(CALLS)
                    .description("Tool calls by outcome").tags("server", server, "tool", tool, "outcome", o)
                    .register(registry));
        }
    }
}
