package dev.switchboard.model.config;

/** A person. JWTs map to a user by the claim the identity provider names (the email by default). */
public record User(String name, String email) {
}
