package dev.switchboard.mcpgateway.snapshot;

import dev.switchboard.model.secret.SecretResolver;
import dev.switchboard.model.secret.SecretSealer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Resolves MCP server credentials from the environment, or opens them with the master key when they come sealed. */
@ApplicationScoped
public class SecretsProducer {

    @ConfigProperty(name = "switchboard.master-key")
    Optional<String> masterKey;

    @Produces
    @ApplicationScoped
    SecretResolver secretResolver() {
        return SecretResolver.fromProcess(masterKey.map(SecretSealer::fromBase64Key).orElse(null));
    }
}
