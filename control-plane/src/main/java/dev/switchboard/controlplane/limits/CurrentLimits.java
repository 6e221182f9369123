package dev.switchboard.controlplane.limits;

import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.limits.LimitRules;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The rate limits and budgets of the current revision, compiled once per revision. Read from the config store rather
 * than from this process's own commits, so that a revision another control-plane replica committed counts too.
 */
@ApplicationScoped
public class CurrentLimits {

    /** A revision's config and its compiled rules. */
    public record Current(Head head, LimitRules rules) {
    }

    @Inject
    ConfigStore store;

    private volatile Current current = new Current(Head.EMPTY, LimitRules.EMPTY);

    public Uni<Current> current() {
        return store.head().map(this::compiled);
    }

    /** The same, for a thread of its own (never the event loop). */
    public Current currentBlocking() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(this::current);
    }

    private Current compiled(Head head) {
        Current known = current;
        if (known.head().revision() == head.revision()) {
            return known;
        }
        Current next = new Current(head, LimitRules.compile(head.config()));
        current = next;
        return next;
    }
}
