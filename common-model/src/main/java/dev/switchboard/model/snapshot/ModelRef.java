package dev.switchboard.model.snapshot;

import dev.switchboard.model.config.Model;
import dev.switchboard.model.config.ProviderAccount;

/** A model with the account that serves it; {@link #name()} is what callers write: {@code <account>/<model-id>}. */
public record ModelRef(ProviderAccount account, Model model) {

    public String name() {
        return account.name() + "/" + model.id();
    }
}
