package dev.switchboard.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.SwitchboardConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

    private static final SwitchboardConfig BEFORE = ConfigCodec.readYaml("""
            provider_accounts:
              - {name: a, type: openai-compatible, base_url: "http://127.0.0.1:9/v1", models: [{id: m1}, {id: m2}]}
            users: [{name: alice, email: alice@example.com}, {name: bob}]
            """);

    @Test
    void resourcesAreComparedByNameAndModelsApartFromTheirAccount() {
        SwitchboardConfig after = ConfigCodec.readYaml("""
                provider_accounts:
                  - {name: a, type: openai-compatible, base_url: "http://127.0.0.1:9/v1", models: [{id: m1}, {id: m3}]}
                users: [{name: bob}, {name: alice, email: alice@corp.example.com}, {name: carol}]
                health_policy: {failure_threshold: 5}
                """);

        List<Change> changes = ConfigChanges.between(BEFORE, after, true);

        assertEquals(List.of("created models/a/m3", "deleted models/a/m2", "updated users/alice",
                        "created users/carol", "updated health_policy/"),
                changes.stream().map(c -> c.op().name().toLowerCase() + " " + c.kind() + "/" + c.name()).toList());
        Change.FieldChange email = changes.get(2).fields().get(0);
        assertEquals("email", email.path());
        assertEquals("alice@example.com", email.before().asText());
        assertEquals("alice@corp.example.com", email.after().asText());
    }

    @Test
    void reorderingAListChangesNothing() {
        SwitchboardConfig reordered = ConfigCodec.readYaml("""
                provider_accounts:
                  - {name: a, type: openai-compatible, base_url: "http://127.0.0.1:9/v1", models: [{id: m2}, {id: m1}]}
                users: [{name: bob}, {name: alice, email: alice@example.com}]
                """);
        assertEquals(List.of(), ConfigChanges.between(BEFORE, reordered, true));
    }

    @Test
    void aFieldThatAppearsHasNoBefore() {
        SwitchboardConfig after = ConfigCodec.readYaml("""
                provider_accounts:
                  - {name: a, type: openai-compatible, base_url: "http://127.0.0.1:9/v1", models: [{id: m1}, {id: m2}]}
                users: [{name: alice, email: alice@example.com}, {name: bob, email: bob@example.com}]
                """);
        Change.FieldChange email = ConfigChanges.between(BEFORE, after, true).get(0).fields().get(0);
        assertEquals("email", email.path());
        assertEquals(null, email.before());
        assertEquals("bob@example.com", email.after().asText());
    }
}
