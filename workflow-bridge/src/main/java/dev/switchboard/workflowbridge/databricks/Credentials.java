package dev.switchboard.workflowbridge.databricks;

import java.util.Map;

/** How every Jobs API request is authenticated. Implementations never print or expose the secret they hold. */
public interface Credentials {

    /** The headers for the next request; may exchange a token first. Throws {@link CredentialsException}. */
    Map<String, String> headers();

    /** Names the method for messages and the User-Agent: {@code pat}, {@code oidc-token-federation}. */
    String authType();
}
