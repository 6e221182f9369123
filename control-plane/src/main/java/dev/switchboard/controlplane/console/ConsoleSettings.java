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

    /** The MCP gateway's public URL, for the managed-mcp.json the MCP page previews ({@code switchboard.mcp.public-url}). */
    @WithDefault("http://localhost:8082")
    String mcpGatewayUrl();

    /** Sign-in through the identity provider of the admin JWTs ({@code switchboard.admin.jwt.issuer}). */
    Oidc oidc();

    /** OIDC authorization code flow with PKCE; the token's roles are checked as the admin API checks an admin JWT. */
    interface Oidc {

        /** The console's client id at the identity provider; unset: no sign-in through it. */
        Optional<String> clientId();

        /** A confidential client's secret (sent with HTTP Basic); unset: a public client, PKCE only. */
        Optional<String> clientSecret();

        /** A file holding the secret (a mounted secret); wins over the value. */
        Optional<Path> clientSecretFile();

        @WithDefault("openid profile email")
        String scopes();

        /** The discovery document; unset: {@code <issuer>/.well-known/openid-configuration}. */
        Optional<String> discoveryUrl();

        /** The callback registered at the identity provider; unset: {@code /console/oidc/callback} on this host. */
        Optional<String> redirectUrl();

        /** The provider's name on the sign-in button. */
        @WithDefault("the identity provider")
        String label();
    }
}
