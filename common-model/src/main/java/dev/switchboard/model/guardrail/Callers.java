package dev.switchboard.model.guardrail;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.SubjectRef;
import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.config.Team;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a caller is one of a list of subjects, acting as the access rules do (see
 * {@link dev.switchboard.model.access.ToolAccess}): as their own subject, as each team a user belongs to in the
 * config, and as each team their token claims. No allocation on the way.
 */
final class Callers {

    static final Callers NONE = new Callers(Map.of());

    private final Map<String, List<String>> teamsOfUser;

    private Callers(Map<String, List<String>> teamsOfUser) {
        this.teamsOfUser = teamsOfUser;
    }

    static Callers of(SwitchboardConfig config) {
        Map<String, List<String>> teams = new HashMap<>();
        for (Team team : config.teams()) {
            for (String member : team.members()) {
                teams.computeIfAbsent(member, m -> new ArrayList<>()).add(team.name());
            }
        }
        teams.replaceAll((user, names) -> List.copyOf(names));
        return new Callers(Map.copyOf(teams));
    }

    /**
     * @param subjects the subjects named, teams included
     * @param teams    the names of the teams among {@code subjects}
     */
    boolean isOneOf(Principal caller, Set<SubjectRef> subjects, Set<String> teams) {
        if (caller == null || caller.subject() == null) {
            return false;
        }
        if (subjects.contains(caller.subject())) {
            return true;
        }
        if (teams.isEmpty()) {
            return false;
        }
        if (caller.subject().kind() == SubjectRef.Kind.USER) {
            List<String> own = teamsOfUser.get(caller.subject().name());
            if (own != null) {
                for (int i = 0; i < own.size(); i++) {
                    if (teams.contains(own.get(i))) {
                        return true;
                    }
                }
            }
        }
        List<String> claimed = caller.claimedTeams();
        if (claimed != null) {
            for (int i = 0; i < claimed.size(); i++) {
                if (teams.contains(claimed.get(i))) {
                    return true;
                }
            }
        }
        return false;
    }

    static Set<String> teamNames(List<SubjectRef> subjects) {
        return Set.copyOf(subjects.stream()
                .filter(s -> s.kind() == SubjectRef.Kind.TEAM)
                .map(SubjectRef::name)
                .toList());
    }
}
