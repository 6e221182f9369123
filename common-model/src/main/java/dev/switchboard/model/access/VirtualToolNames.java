package dev.switchboard.model.access;

import dev.switchboard.model.config.VirtualMcpServer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The names under which a virtual MCP server exposes the tools it lists ({@code <server>/<tool>}). A tool keeps its
 * own name when no other server of the virtual server contributes a tool of that name; when two or more do, each of
 * them is exposed as {@code <server>__<tool>} (two underscores: a character MCP tool names allow, unlike {@code /}).
 * The rule depends on the config only, so every caller and every replica sees the same names.
 */
public final class VirtualToolNames {

    public static final String SEPARATOR = "__";

    /** Where an exposed tool name leads: the upstream server and the tool's own name there. */
    public record Target(String server, String tool) {
    }

    private final Map<String, Target> byExposedName;
    private final Map<Target, String> exposedByTarget = new HashMap<>();

    private VirtualToolNames(Map<String, Target> byExposedName) {
        this.byExposedName = Collections.unmodifiableMap(byExposedName);
        byExposedName.forEach((name, target) -> exposedByTarget.put(target, name));
    }

    public static VirtualToolNames of(VirtualMcpServer virtualServer) {
        Map<String, Integer> count = new HashMap<>();
        for (String entry : virtualServer.tools()) {
            count.merge(toolOf(entry), 1, Integer::sum);
        }
        Map<String, Target> names = new LinkedHashMap<>();
        for (String entry : virtualServer.tools()) {
            String server = entry.substring(0, entry.indexOf('/'));
            String tool = toolOf(entry);
            String exposed = count.get(tool) > 1 ? server + SEPARATOR + tool : tool;
            names.put(exposed, new Target(server, tool));
        }
        return new VirtualToolNames(names);
    }

    private static String toolOf(String entry) {
        return entry.substring(entry.indexOf('/') + 1);
    }

    /** Exposed name to target, in the order of the config. */
    public Map<String, Target> all() {
        return byExposedName;
    }

    public Optional<Target> target(String exposedName) {
        return Optional.ofNullable(byExposedName.get(exposedName));
    }

    /** The name under which {@code server}'s {@code tool} is exposed, if the virtual server lists it. */
    public Optional<String> exposedName(String server, String tool) {
        return Optional.ofNullable(exposedByTarget.get(new Target(server, tool)));
    }
}
