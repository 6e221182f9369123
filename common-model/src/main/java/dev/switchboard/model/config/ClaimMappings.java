package dev.switchboard.model.config;

/**
 * Which JWT claims say who the caller is: {@code user} (default {@code email}) names the user, {@code teams}
 * (default {@code groups}) lists the caller's teams.
 */
public record ClaimMappings(String user, String teams) {

    public static final ClaimMappings DEFAULTS = new ClaimMappings(null, null);

    public ClaimMappings {
        user = user == null ? "email" : user;
        teams = teams == null ? "groups" : teams;
    }
}
