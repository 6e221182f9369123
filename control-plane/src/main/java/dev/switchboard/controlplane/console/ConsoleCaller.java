package dev.switchboard.controlplane.console;

import jakarta.enterprise.context.RequestScoped;

/** The console session of this request, set by {@link ConsoleFilters}; null on the sign-in page. */
@RequestScoped
public class ConsoleCaller {

    private ConsoleSession session;

    public ConsoleSession session() {
        if (session == null) {
            throw new IllegalStateException("the console caller was not authenticated");
        }
        return session;
    }

    void set(ConsoleSession session) {
        this.session = session;
    }
}
