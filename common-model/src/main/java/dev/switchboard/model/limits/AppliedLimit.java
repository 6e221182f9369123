package dev.switchboard.model.limits;

/** One counter that a request is checked against, and the rule that sets its limits. */
public record AppliedLimit(CounterKey key, Rule rule) {
}
