package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Names a user, a team or a service account, written {@code user:alice}, {@code team:ml}, {@code service_account:ci};
 * in rate limits and budgets also a gateway API key, {@code api_key:ci-nightly} (the validator refuses it elsewhere: a
 * key is a credential of a subject, not a subject that can be granted anything).
 */
public record SubjectRef(Kind kind, String name) {

    private static final String FORMS =
            "must be user:<name>, team:<name>, service_account:<name> or (in rate limits and budgets) api_key:<name>";

    /** Also what a config's object in a subject's place becomes (Jackson tries the fields): refused like bad text. */
    public SubjectRef {
        if (kind == null || name == null) {
            throw new IllegalArgumentException(FORMS + ", got an object");
        }
    }

    public enum Kind {
        USER("user"), TEAM("team"), SERVICE_ACCOUNT("service_account"), API_KEY("api_key");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public static SubjectRef user(String name) {
        return new SubjectRef(Kind.USER, name);
    }

    public static SubjectRef team(String name) {
        return new SubjectRef(Kind.TEAM, name);
    }

    public static SubjectRef serviceAccount(String name) {
        return new SubjectRef(Kind.SERVICE_ACCOUNT, name);
    }

    public static SubjectRef apiKey(String name) {
        return new SubjectRef(Kind.API_KEY, name);
    }

    /** Parses {@code kind:name}; throws IllegalArgumentException with the accepted forms otherwise. */
    @JsonCreator
    public static SubjectRef parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon > 0 && colon < text.length() - 1) {
            String prefix = text.substring(0, colon);
            for (Kind kind : Kind.values()) {
                if (kind.prefix.equals(prefix)) {
                    return new SubjectRef(kind, text.substring(colon + 1));
                }
            }
        }
        throw new IllegalArgumentException(FORMS + ", got '" + text + "'");
    }

    @JsonValue
    @Override
    public String toString() {
        return kind.prefix + ":" + name;
    }
}
