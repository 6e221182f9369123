package dev.switchboard.runtime.feed;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import java.time.Instant;
import java.util.List;

/** The least a plane can make of a snapshot: the snapshot itself. */
record TestState(ConfigSnapshot snapshot) implements PlaneState {

    static final String CONFIG = "users: [{name: alice}]\n";

    static TestState of(long revision) {
        return new TestState(ConfigCodec.loadYaml(CONFIG, revision, Instant.now()));
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    @Override
    public String summary() {
        return snapshot.config().users().size() + " users";
    }
}
