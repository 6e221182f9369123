package dev.switchboard.controlplane.console;

import java.time.Instant;

/**
 * A signed-in console user: who (as the revision log names them: {@code admin-token}, {@code viewer-token},
 * {@code jwt:<sub>}), the role, the CSRF token every change must carry, and when the session ends.
 */
@io.quarkus.qute.TemplateData
public record ConsoleSession(String caller, Role role, String csrf, Instant expiresAt) {
}
