package dev.switchboard.controlplane.store;

import dev.switchboard.model.config.SwitchboardConfig;
import dev.switchboard.model.validation.ConfigError;
import java.util.List;

/**
 * What a change wants committed: the whole config after it, a one-line summary for the revision log, where the changed
 * resource sits in that config (see {@link dev.switchboard.controlplane.admin.ApiProblem#forInvalidConfig}), errors the
 * change itself found (secrets that cannot be stored, ...), and whether to stop before writing (a dry run).
 */
public record Commit(SwitchboardConfig config, String summary, String scope, List<ConfigError> errors,
                     boolean dryRun) {

    public Commit {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }
}
