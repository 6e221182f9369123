package dev.switchboard.model.config;

import java.util.List;

/**
 * Which tools of one MCP server the subjects may call: {@code allow} (empty = all), minus {@code deny}; tools in
 * {@code require_approval} wait for a user's approval before they run.
 */
public record ToolPolicy(String name, List<SubjectRef> subjects, String server, List<String> allow, List<String> deny,
                         List<String> requireApproval) {

    public ToolPolicy {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        requireApproval = requireApproval == null ? List.of() : List.copyOf(requireApproval);
    }
}
