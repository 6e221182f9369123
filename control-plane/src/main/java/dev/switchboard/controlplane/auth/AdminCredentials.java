package dev.switchboard.controlplane.auth;

import dev.switchboard.controlplane.ControlPlaneConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import org.jboss.logging.Logger;

/** The bootstrap admin token, from {@code SWITCHBOARD_ADMIN_TOKEN_FILE} (a mounted secret) or {@code SWITCHBOARD_ADMIN_TOKEN}. */
@ApplicationScoped
public class AdminCredentials {

    private static final Logger LOG = Logger.getLogger(AdminCredentials.class);

    private final byte[] token;
    private final AdminJwtVerifier jwt;

    @Inject
    public AdminCredentials(ControlPlaneConfig config, AdminJwtVerifier jwt) {
        String value = config.admin().tokenFile().map(file -> {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the admin token file " + file, e);
            }
        }).or(() -> config.admin().token()).filter(t -> !t.isBlank()).orElse(null);
        this.token = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        this.jwt = jwt;
    }

    void check(@Observes StartupEvent event) {
        if (token == null && !jwt.enabled()) {
            LOG.warn("no admin credential is configured (SWITCHBOARD_ADMIN_TOKEN, SWITCHBOARD_ADMIN_TOKEN_FILE or"
                    + " switchboard.admin.jwt.*): every admin API request will get 401");
        }
    }

    /** Whether {@code credential} is the admin token; constant time. */
    public boolean isAdminToken(String credential) {
        return token != null && MessageDigest.isEqual(token, credential.getBytes(StandardCharsets.UTF_8));
    }

    public AdminJwtVerifier jwt() {
        return jwt;
    }
}
