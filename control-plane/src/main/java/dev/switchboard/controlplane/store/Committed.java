package dev.switchboard.controlplane.store;

import dev.switchboard.controlplane.config.Change;
import java.util.List;

/**
 * The outcome of a commit: the revision now current ({@code base} when nothing changed or in a dry run), the revision
 * the change was made against, and what changed (with field details).
 */
public record Committed(long revision, long baseRevision, boolean applied, List<Change> changes, Head head) {
}
