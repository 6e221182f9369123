package dev.switchboard.runtime;

import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Reads a plane's settings from MicroProfile Config, with the defaults written once next to each property's name.
 * Durations go through the converters of the running application (Quarkus reads {@code 250ms}, {@code 5s}, {@code 7d}
 * and ISO-8601).
 */
public final class Settings {

    private final Config config;

    public Settings(Config config) {
        this.config = config;
    }

    public Optional<String> text(String name) {
        return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
    }

    public String text(String name, String defaultValue) {
        return text(name).orElse(defaultValue);
    }

    public Duration duration(String name, String defaultValue) {
        return config.getOptionalValue(name, Duration.class)
                .orElseGet(() -> config.getConverter(Duration.class)
                        .orElseThrow(() -> new IllegalStateException("no converter for durations"))
                        .convert(defaultValue));
    }

    public Optional<Boolean> flag(String name) {
        return config.getOptionalValue(name, Boolean.class);
    }

    public long number(String name, String defaultValue) {
        return config.getOptionalValue(name, Long.class).orElse(Long.parseLong(defaultValue));
    }
}
