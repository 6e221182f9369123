package dev.switchboard.controlplane.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The web console's settings ({@code switchboard.console.*}); sign-in reuses the admin API's credentials. */
@ConfigMapping(prefix = "switchboard.console")
public interface ConsoleSettings {

    /** {@code SWITCHBOARD_CONSOLE_VIEWER_TOKEN}: a token that signs in read-only (sees everything but secrets). */
    Optional<String> viewerToken();

    /** {@code SWITCHBOARD_CONSOLE_VIEWER_TOKEN_FILE}: a file holding it (a mounted secret); wins over the value. */
    Optional<Path> viewerTokenFile();

    /** An admin JWT whose role claim holds this role (and not the admin role) signs in read-only. */
    @WithDefault("switchboard-viewer")
    String viewerRole();

    /** How long a sign-in lasts; the session cookie expires then and is refused after it. */
    @WithDefault("8h")
    Duration sessionTtl();
}
