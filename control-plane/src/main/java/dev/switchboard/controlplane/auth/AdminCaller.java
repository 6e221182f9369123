package dev.switchboard.controlplane.auth;

import jakarta.enterprise.context.RequestScoped;

/** Who is calling the admin API in this request, as recorded with every change: {@code admin-token} or {@code jwt:<sub>}. */
@RequestScoped
public class AdminCaller {

    private String name;

    public String name() {
        if (name == null) {
            throw new IllegalStateException("the admin caller was not authenticated");
        }
        return name;
    }

    void set(String name) {
        this.name = name;
    }
}
