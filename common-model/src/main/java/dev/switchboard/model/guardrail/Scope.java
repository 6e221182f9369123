package dev.switchboard.model.guardrail;

import dev.switchboard.model.config.Guardrail;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.VirtualModel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where one guardrail applies, precomputed for a cheap, allocation-free match. {@code models} narrow the LLM hooks
 * only, {@code mcp_servers} and {@code tools} the MCP hooks only, {@code subjects} both; an empty list matches all.
 * A model pattern is a model or virtual model name, {@code <account>/*} or {@code *}, as in access rules; a tool is
 * the upstream tool's name or {@code <server>/<tool>}. A virtual model is matched when its own name is, or when any
 * model it routes to is: a guardrail on {@code openai-main/*} also guards the virtual models that may send a request
 * there, whichever target a request ends up at.
 */
final class Scope {

    private final boolean anyModel;
    private final Set<String> models = new HashSet<>();
    private final String[] modelPrefixes;
    private final Set<String> servers;
    private final boolean anyTool;
    private final Set<String> tools = new HashSet<>();
    private final Map<String, Set<String>> toolsOfServer = new HashMap<>();
    private final Set<SubjectRef> subjects;
    private final Set<String> teams;
    private final Callers callers;

    Scope(Guardrail g, Callers callers, List<VirtualModel> virtualModels) {
        this.callers = callers;
        anyModel = g.models().isEmpty() || g.models().contains("*");
        List<String> prefixes = new java.util.ArrayList<>();
        for (String m : g.models()) {
            if (m.endsWith("/*")) {
                prefixes.add(m.substring(0, m.length() - 1));
            } else {
                models.add(m);
            }
        }
        modelPrefixes = prefixes.toArray(String[]::new);
        if (!anyModel) {
            for (VirtualModel vm : virtualModels) {
                if (vm.routingConfig() != null && vm.routingConfig().loadBalanceTargets().stream()
                        .anyMatch(t -> modelMatches(t.target()))) {
                    models.add(vm.name());
                }
            }
        }
        servers = Set.copyOf(g.mcpServers());
        anyTool = g.tools().isEmpty();
        for (String t : g.tools()) {
            int slash = t.indexOf('/');
            if (slash > 0) {
                toolsOfServer.computeIfAbsent(t.substring(0, slash), s -> new HashSet<>()).add(t.substring(slash + 1));
            } else {
                tools.add(t);
            }
        }
        subjects = Set.copyOf(g.subjects());
        teams = Callers.teamNames(g.subjects());
    }

    boolean matches(Guardrail.Hook hook, GuardScope scope) {
        boolean llm = hook == Guardrail.Hook.LLM_INPUT || hook == Guardrail.Hook.LLM_OUTPUT;
        if (llm ? !modelMatches(scope.model()) : !serverAndToolMatch(scope.server(), scope.tool())) {
            return false;
        }
        return subjects.isEmpty() || callers.isOneOf(scope.principal(), subjects, teams);
    }

    private boolean modelMatches(String model) {
        if (anyModel) {
            return true;
        }
        if (model == null) {
            return false;
        }
        if (models.contains(model)) {
            return true;
        }
        for (String prefix : modelPrefixes) {
            if (model.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private boolean serverAndToolMatch(String server, String tool) {
        if (!servers.isEmpty() && (server == null || !servers.contains(server))) {
            return false;
        }
        if (anyTool) {
            return true;
        }
        if (tool == null) {
            return false;
        }
        if (tools.contains(tool)) {
            return true;
        }
        Set<String> ofServer = server == null ? null : toolsOfServer.get(server);
        return ofServer != null && ofServer.contains(tool);
    }
}
