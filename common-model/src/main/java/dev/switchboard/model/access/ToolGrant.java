package dev.switchboard.model.access;

import dev.switchboard.model.config.ToolPolicy;
import java.util.List;
import java.util.function.Function;

/**
 * What one caller may do on one MCP server: the tool policies that name the caller (directly, through a team of theirs,
 * or through a team their token claims). No policy means no access to the server at all.
 *
 * <p>A tool is allowed when some policy allows it ({@code allow} empty = every tool) and no policy denies it: a deny
 * always wins. Names in {@code allow}, {@code deny} and {@code require_approval} are exact tool names or globs where
 * {@code *} stands for any run of characters ({@code get_*}). Resources and prompts follow the same rule with their own
 * lists: a resource by its URI (a resource template by its URI template), a prompt by its name.
 */
public record ToolGrant(String server, List<ToolPolicy> policies) {

    public ToolGrant {
        policies = List.copyOf(policies);
    }

    public static ToolGrant none(String server) {
        return new ToolGrant(server, List.of());
    }

    /** Whether the caller may use the server at all (see its tools, open a session). */
    public boolean usable() {
        return !policies.isEmpty();
    }

    public boolean allows(String tool) {
        return allowed(tool, ToolPolicy::allow, ToolPolicy::deny);
    }

    /** Whether the caller may see and read the resource at {@code uri}, or see the template {@code uriTemplate}. */
    public boolean allowsResource(String uri) {
        return allowed(uri, ToolPolicy::allowResources, ToolPolicy::denyResources);
    }

    public boolean allowsPrompt(String prompt) {
        return allowed(prompt, ToolPolicy::allowPrompts, ToolPolicy::denyPrompts);
    }

    private boolean allowed(String name, Function<ToolPolicy, List<String>> allow,
                            Function<ToolPolicy, List<String>> deny) {
        boolean allowed = false;
        for (ToolPolicy p : policies) {
            if (anyMatches(deny.apply(p), name)) {
                return false;
            }
            allowed |= allow.apply(p).isEmpty() || anyMatches(allow.apply(p), name);
        }
        return allowed;
    }

    /** Whether a call of an allowed tool must first be approved by a person. */
    public boolean requiresApproval(String tool) {
        for (ToolPolicy p : policies) {
            if (anyMatches(p.requireApproval(), tool)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatches(List<String> patterns, String tool) {
        for (String pattern : patterns) {
            if (globMatches(pattern, tool)) {
                return true;
            }
        }
        return false;
    }

    /** {@code *} matches any run of characters (also none); every other character matches itself. */
    static boolean globMatches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
