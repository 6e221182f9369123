package dev.switchboard.model.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a rate limit or a budget counts the callers it covers. {@code per_subject} keeps the meaning the limits had
 * before this field existed: each listed subject has its own counter, so a listed team is one pool for its members.
 */
public enum Counting {
    /** One counter per listed subject: {@code user:alice} counts alice, {@code team:ml} counts the team as one. */
    @JsonProperty("per_subject") PER_SUBJECT,
    /** One counter per caller covered: each member of a listed team, each listed user, service account or key. */
    @JsonProperty("per_member") PER_MEMBER,
    /** One counter for everything the rule covers together. */
    @JsonProperty("shared") SHARED
}
