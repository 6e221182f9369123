package dev.switchboard.model.limits;

import dev.switchboard.model.access.Principal;
import dev.switchboard.model.config.SubjectRef;
import java.util.List;

/**
 * Who makes a request, as the limits see it: the user or service account (or the team, for a team's own API key), the
 * teams a JWT claims (a user's teams from
 * the config are added by {@link LimitRules}) and the name of the gateway API key the request came with, if any.
 * Build one per principal and reuse it: it holds the strings a match needs so that matching does not build them.
 */
public final class Caller {

    /** How {@link Principal#credential()} names an API key: {@code api_key:<name>}. */
    private static final String API_KEY_CREDENTIAL = "api_key:";

    private final SubjectRef subject;
    private final List<String> claimedTeams;
    private final String apiKey;
    private final SubjectRef apiKeyRef;
    private final String member;

    private Caller(SubjectRef subject, List<String> claimedTeams, String apiKey) {
        this.subject = subject;
        this.claimedTeams = claimedTeams == null ? List.of() : List.copyOf(claimedTeams);
        this.apiKey = apiKey;
        this.apiKeyRef = apiKey == null ? null : SubjectRef.apiKey(apiKey);
        this.member = subject.toString();
    }

    /**
     * @param subject      a user, a service account, or a team (the subject of a team's own API key)
     * @param claimedTeams teams a JWT claims, beyond the user's teams in the config; empty for API keys
     * @param apiKey       the name of the API key the request came with, or null
     */
    public static Caller of(SubjectRef subject, List<String> claimedTeams, String apiKey) {
        if (subject == null || subject.kind() == SubjectRef.Kind.API_KEY) {
            throw new IllegalArgumentException("a caller is a user, a service account or a team, got " + subject);
        }
        return new Caller(subject, claimedTeams, apiKey);
    }

    /** The caller an authenticated principal is: its subject, the teams its token claims, its API key's name. */
    public static Caller of(Principal principal) {
        String credential = principal.credential();
        String apiKey = credential != null && credential.startsWith(API_KEY_CREDENTIAL)
                ? credential.substring(API_KEY_CREDENTIAL.length()) : null;
        return of(principal.subject(), principal.claimedTeams(), apiKey);
    }

    public static Caller user(String name) {
        return of(SubjectRef.user(name), List.of(), null);
    }

    public static Caller serviceAccount(String name) {
        return of(SubjectRef.serviceAccount(name), List.of(), null);
    }

    /** The same caller, presenting API key {@code name}. */
    public Caller withApiKey(String name) {
        return new Caller(subject, claimedTeams, name);
    }

    public SubjectRef subject() {
        return subject;
    }

    public List<String> claimedTeams() {
        return claimedTeams;
    }

    public String apiKey() {
        return apiKey;
    }

    SubjectRef apiKeyRef() {
        return apiKeyRef;
    }

    /** {@code user:alice}: the counter member of a {@code per_member} rule that covers the caller through a team. */
    String member() {
        return member;
    }
}
