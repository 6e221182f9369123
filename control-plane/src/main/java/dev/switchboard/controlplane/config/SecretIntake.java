package dev.switchboard.controlplane.config;

import dev.switchboard.model.secret.Secret;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.validation.ConfigError;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to a secret that arrives through the API, so that only sealed values and variable names are stored:
 * a clear value is sealed with the master key (or kept as stored, when it is the value already stored there), the
 * mask {@code {"sealed": "***"}} keeps the stored secret, a sealed value must open with the master key, and a variable
 * name is kept. Problems are collected as errors with their paths, never with the value.
 */
public final class SecretIntake implements SecretFields.Rule {

    private final SecretSealer sealer;
    private final List<ConfigError> errors = new ArrayList<>();

    /** @param sealer null when no master key is configured: clear secrets are then refused. */
    public SecretIntake(SecretSealer sealer) {
        this.sealer = sealer;
    }

    public List<ConfigError> errors() {
        return errors;
    }

    @Override
    public Secret apply(String path, Secret given, Secret stored) {
        switch (given.source()) {
            case CLEAR -> {
                if (sealer == null) {
                    errors.add(new ConfigError(path, "a secret given in clear needs the master key"
                            + " (SWITCHBOARD_MASTER_KEY) to be stored; give {\"env\": \"VARIABLE\"} instead"));
                    return given;
                }
                if (stored != null && stored.source() == Secret.Source.SEALED) {
                    String opened = open(stored.sealedValue());
                    if (opened != null && given.equals(Secret.clear(opened))) {
                        return stored; // the same value again: keep it, so re-applying a file changes nothing
                    }
                }
                return given.sealWith(sealer);
            }
            case SEALED -> {
                if (ConfigJson.MASK.equals(given.sealedValue())) {
                    if (stored == null) {
                        errors.add(new ConfigError(path, "\"***\" keeps the stored secret, but none is stored here;"
                                + " give the secret"));
                        return given;
                    }
                    return stored;
                }
                if (sealer != null && open(given.sealedValue()) == null) {
                    errors.add(new ConfigError(path, "the sealed secret cannot be opened with this control plane's"
                            + " master key"));
                }
                return given;
            }
            default -> {
                return given;
            }
        }
    }

    private String open(String sealed) {
        try {
            return sealer.open(sealed);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
