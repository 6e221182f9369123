package dev.switchboard.controlplane.console;

/** What a console session may do: a viewer reads everything but secrets; an admin also changes. */
@io.quarkus.qute.TemplateData
public enum Role {
    VIEWER, ADMIN;

    public boolean canChange() {
        return this == ADMIN;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
