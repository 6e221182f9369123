package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the subjects may use of one MCP server. Tools: {@code allow} (empty = all), minus {@code deny}; tools in
 * {@code require_approval} wait for a person's approval before they run. Resources (by URI, and resource templates by
 * their URI template) and prompts (by name) follow the same rule with {@code allow_resources}/{@code deny_resources}
 * and {@code allow_prompts}/{@code deny_prompts}. A call held for approval is decided by one of {@code approvers} (not
 * the caller) through the gateway's approval API, or, with {@code approval: elicitation}, by the caller in their own
 * MCP client when it can be asked (else through the API).
 */
public record ToolPolicy(String name, List<SubjectRef> subjects, String server, List<String> allow, List<String> deny,
                         List<String> requireApproval, List<String> allowResources, List<String> denyResources,
                         List<String> allowPrompts, List<String> denyPrompts, List<SubjectRef> approvers,
                         Approval approval) {

    /** How a call of a tool in {@code require_approval} is put to a person. */
    public enum Approval {
        @JsonProperty("api") API,
        @JsonProperty("elicitation") ELICITATION
    }

    public ToolPolicy {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        requireApproval = requireApproval == null ? List.of() : List.copyOf(requireApproval);
        allowResources = allowResources == null ? List.of() : List.copyOf(allowResources);
        denyResources = denyResources == null ? List.of() : List.copyOf(denyResources);
        allowPrompts = allowPrompts == null ? List.of() : List.copyOf(allowPrompts);
        denyPrompts = denyPrompts == null ? List.of() : List.copyOf(denyPrompts);
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
        approval = approval == null ? Approval.API : approval;
    }

    /** A policy whose approvals, if any, go through the approval API, with no approvers named. */
    public ToolPolicy(String name, List<SubjectRef> subjects, String server, List<String> allow, List<String> deny,
                      List<String> requireApproval, List<String> allowResources, List<String> denyResources,
                      List<String> allowPrompts, List<String> denyPrompts) {
        this(name, subjects, server, allow, deny, requireApproval, allowResources, denyResources, allowPrompts,
                denyPrompts, null, null);
    }

    /** A policy on tools only: every resource and prompt of the server is allowed. */
    public ToolPolicy(String name, List<SubjectRef> subjects, String server, List<String> allow, List<String> deny,
                      List<String> requireApproval) {
        this(name, subjects, server, allow, deny, requireApproval, null, null, null, null, null, null);
    }
}
