package dev.switchboard.model.secret;

import java.util.function.Function;

/** Turns a {@link Secret} into its value where it is used: reads the environment or opens the sealed form. */
public final class SecretResolver {

    private final SecretSealer sealer;
    private final Function<String, String> environment;

    /** @param sealer may be null when no master key is configured; sealed secrets then cannot be resolved. */
    public SecretResolver(SecretSealer sealer, Function<String, String> environment) {
        this.sealer = sealer;
        this.environment = environment;
    }

    public static SecretResolver fromProcess(SecretSealer sealer) {
        return new SecretResolver(sealer, System::getenv);
    }

    public String reveal(Secret secret) {
        return switch (secret.source()) {
            case CLEAR -> secret.clearValue();
            case ENV -> {
                String value = environment.apply(secret.envVariable());
                if (value == null || value.isEmpty()) {
                    throw new IllegalStateException("environment variable " + secret.envVariable() + " is not set");
                }
                yield value;
            }
            case SEALED -> {
                if (sealer == null) {
                    throw new IllegalStateException("a sealed secret needs the master key (SWITCHBOARD_MASTER_KEY)");
                }
                yield sealer.open(secret.sealedValue());
            }
        };
    }
}
