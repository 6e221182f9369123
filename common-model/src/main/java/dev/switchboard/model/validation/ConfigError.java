package dev.switchboard.model.validation;

/** One thing wrong with a config: where ({@code virtual_models[2].routing_config.type}) and why. */
public record ConfigError(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
