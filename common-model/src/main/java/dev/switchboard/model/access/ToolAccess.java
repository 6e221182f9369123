package dev.switchboard.model.access;

import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import dev.switchboard.model.config.ToolPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tool_policies} of one config, indexed for the MCP request path: which MCP servers a caller may use and
 * which of their tools ({@link ToolGrant}). A user holds their own policies and those of every team they belong to in
 * the config; a token may claim further teams. Immutable once built; safe to share between threads.
 */
public final class ToolAccess {

    private final Map<String, Map<SubjectRef, List<ToolPolicy>>> byServer = new HashMap<>();
    private final Map<String, Set<String>> teamsOfUser = new HashMap<>();

    private ToolAccess(SwitchboardConfig config) {
        for (ToolPolicy policy : config.toolPolicies()) {
            Map<SubjectRef, List<ToolPolicy>> bySubject = byServer.computeIfAbsent(policy.server(), s -> new HashMap<>());
            for (SubjectRef subject : policy.subjects()) {
                bySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(policy);
            }
        }
        for (Team team : config.teams()) {
            for (String member : team.members()) {
                teamsOfUser.computeIfAbsent(member, m -> new LinkedHashSet<>()).add(team.name());
            }
        }
    }

    public static ToolAccess of(SwitchboardConfig config) {
        return new ToolAccess(config);
    }

    /** The policies of {@code server} that apply to the caller, in config order. */
    public ToolGrant grant(SubjectRef subject, Collection<String> claimedTeams, String server) {
        Map<SubjectRef, List<ToolPolicy>> bySubject = byServer.get(server);
        if (bySubject == null) {
            return ToolGrant.none(server);
        }
        Set<ToolPolicy> matching = new LinkedHashSet<>();
        for (SubjectRef s : actingAs(subject, claimedTeams)) {
            matching.addAll(bySubject.getOrDefault(s, List.of()));
        }
        return new ToolGrant(server, List.copyOf(matching));
    }

    /** Every server for which some policy names the caller, in no particular order. */
    public Set<String> usableServers(SubjectRef subject, Collection<String> claimedTeams) {
        Set<SubjectRef> as = actingAs(subject, claimedTeams);
        Set<String> servers = new LinkedHashSet<>();
        byServer.forEach((server, bySubject) -> {
            for (SubjectRef s : as) {
                if (bySubject.containsKey(s)) {
                    servers.add(server);
                    return;
                }
            }
        });
        return servers;
    }

    private Set<SubjectRef> actingAs(SubjectRef subject, Collection<String> claimedTeams) {
        Set<SubjectRef> as = new LinkedHashSet<>();
        as.add(subject);
        if (subject.kind() == SubjectRef.Kind.USER) {
            for (String team : teamsOfUser.getOrDefault(subject.name(), Set.of())) {
                as.add(SubjectRef.team(team));
            }
        }
        for (String team : claimedTeams) {
            as.add(SubjectRef.team(team));
        }
        return as;
    }
}
