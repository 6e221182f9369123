package dev.switchboard.controlplane.admin;

/**
 * ETags are the revision that last changed a resource (or, for the whole config, the current revision), written
 * {@code "42"}. {@code If-Match} takes one or more of them, weak or strong, or {@code *}.
 */
public final class Etags {

    private Etags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** Throws 409 when {@code ifMatch} is given and names another version than {@code current}. */
    public static void check(String ifMatch, long current, String what) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return;
        }
        for (String tag : ifMatch.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(of(current))) {
                return;
            }
        }
        throw ApiProblem.conflict(what + " has changed since you read it: If-Match " + ifMatch.strip()
                + ", current ETag " + of(current) + "; read it again and retry");
    }
}
