package dev.switchboard.model.config;

/** A non-human caller, typically holding an API key. */
public record ServiceAccount(String name, String description) {
}
