package dev.switchboard.model.config;

/**
 * Sticky sessions for weight-based routing: the session key is the request header {@code header}, or the field
 * {@code metadata_key} of the {@code x-tfy-metadata} JSON header. Exactly one of the two is set.
 */
public record StickyConfig(String header, String metadataKey) {
}
