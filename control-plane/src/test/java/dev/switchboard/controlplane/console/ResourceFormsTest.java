package dev.switchboard.controlplane.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.controlplane.config.ConfigJson;
import dev.switchboard.controlplane.config.ResourceKind;
import dev.switchboard.model.validation.ConfigError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceFormsTest {

    @Test
    void aFormWritesItsFieldsOverTheVersionOpenedAndKeepsWhatItDoesNotShow() {
        JsonNode stored = json("""
                {"name": "assistant", "description": "old", "routing_config": {"type": "weight-based-routing",
                  "sticky": {"header": "x-session"}, "load_balance_targets": [
                    {"target": "a/big", "weight": 100, "retry_config": {"attempts": 5}}]}}""");
        ResourceForms.Submitted form = ResourceForms.of(ResourceKind.VIRTUAL_MODELS, stored, null);
        Map<String, String> values = new HashMap<>(form.values());
        values.put("description", "");
        List<ResourceForms.TargetRow> rows = List.of(new ResourceForms.TargetRow("a/big", "75", ""),
                new ResourceForms.TargetRow("a/small", "25", ""), new ResourceForms.TargetRow("", "", ""));

        ObjectNode body = ResourceForms.body(ResourceKind.VIRTUAL_MODELS, stored,
                new ResourceForms.Submitted(values, rows));

        assertEquals(json("""
                {"name": "assistant", "routing_config": {"type": "weight-based-routing",
                  "sticky": {"header": "x-session"}, "load_balance_targets": [
                    {"target": "a/big", "weight": 75, "retry_config": {"attempts": 5}},
                    {"target": "a/small", "weight": 25}]}}"""), body,
                "the description emptied is gone, the sticky rule and a/big's retries kept, the blank row dropped");
    }

    @Test
    void anEmptySecretKeepsTheStoredOneUnlessTheAuthenticationTypeChanged() {
        JsonNode stored = json("""
                {"name": "acme", "type": "openai", "auth": {"type": "api-key", "api_key": {"sealed": "***"}}}""");
        ResourceForms.Submitted shown = ResourceForms.of(ResourceKind.PROVIDER_ACCOUNTS, stored, null);
        assertEquals("", shown.value("auth.api_key"), "a secret is never a field's value");

        ObjectNode kept = ResourceForms.body(ResourceKind.PROVIDER_ACCOUNTS, stored, shown);
        assertEquals("***", kept.at("/auth/api_key/sealed").asText(), "the mask keeps the stored key");

        Map<String, String> typed = new HashMap<>(shown.values());
        typed.put("auth.api_key", "sk-new");
        assertEquals("sk-new", ResourceForms.body(ResourceKind.PROVIDER_ACCOUNTS, stored,
                new ResourceForms.Submitted(typed, List.of())).at("/auth/api_key").asText());

        Map<String, String> none = new HashMap<>(shown.values());
        none.put("auth.type", "none");
        ObjectNode changed = ResourceForms.body(ResourceKind.PROVIDER_ACCOUNTS, stored,
                new ResourceForms.Submitted(none, List.of()));
        assertFalse(changed.path("auth").has("api_key"), "a key that no longer applies is dropped: " + changed);
        assertEquals("stored, sealed", ResourceForms.secretState(stored, "auth.api_key"));
        assertEquals("none stored", ResourceForms.secretState(stored, "auth.token"));
    }

    @Test
    void numbersGoAsTypedAndWhatIsNoNumberGoesAsTextForTheServiceToRefuse() {
        Map<String, String> values = new HashMap<>();
        values.put("id", "gpt-acme");
        values.put("price.input_per_million_usd", "2.50");
        values.put("price.output_per_million_usd", "ten");
        values.put("timeouts.idle_ms", "");
        values.put("log_payloads", "true");
        ObjectNode body = ResourceForms.body(ResourceKind.MODELS, null, new ResourceForms.Submitted(values, List.of()));
        assertTrue(body.at("/price/input_per_million_usd").isNumber());
        assertEquals("2.50", body.at("/price/input_per_million_usd").decimalValue().toPlainString());
        assertEquals("ten", body.at("/price/output_per_million_usd").asText());
        assertTrue(body.at("/price/output_per_million_usd").isTextual());
        assertFalse(body.has("timeouts"), "an empty field leaves no empty object behind: " + body);
        assertTrue(body.path("log_payloads").asBoolean());
    }

    @Test
    void perUnitPricesAreFieldsOfTheModelFormAndAnEmptyOneIsNotSet() {
        Map<String, String> values = new HashMap<>();
        values.put("id", "dall-e-3");
        values.put("price.per_image_usd", "0.04");
        values.put("price.per_audio_second_usd", "");
        values.put("price.per_million_characters_usd", "15");
        ObjectNode body = ResourceForms.body(ResourceKind.MODELS, null, new ResourceForms.Submitted(values, List.of()));
        assertEquals("0.04", body.at("/price/per_image_usd").decimalValue().toPlainString());
        assertEquals("15", body.at("/price/per_million_characters_usd").decimalValue().toPlainString());
        assertFalse(body.path("price").has("per_audio_second_usd"), body.toString());

        ResourceForms.Placed placed = ResourceForms.place(ResourceKind.MODELS,
                List.of(new ConfigError("price.per_audio_second_usd", "must be >= 0")));
        assertEquals(List.of("must be >= 0"), placed.byField().get("price.per_audio_second_usd"));
    }

    @Test
    void eachErrorShowsBesideTheFieldItsPathNames() {
        ResourceForms.Placed model = ResourceForms.place(ResourceKind.MODELS, List.of(
                new ConfigError("price.input_per_million_usd", "must be >= 0"),
                new ConfigError("price", "must be an object"),
                new ConfigError("timeouts.idle_ms.extra", "unknown field"),
                new ConfigError("", "a JSON object is required"),
                new ConfigError("colour", "unknown field"),
                new ConfigError(ResourceForms.ACCOUNT, "no provider account named 'nope'")));
        assertEquals(List.of("must be >= 0", "must be an object"),
                model.byField().get("price.input_per_million_usd"), "a path above fields: beside the first");
        assertEquals(List.of("unknown field"), model.byField().get("timeouts.idle_ms"));
        assertEquals(List.of("no provider account named 'nope'"), model.byField().get(ResourceForms.ACCOUNT));
        assertEquals(List.of("", "colour"), model.elsewhere().stream().map(ConfigError::path).toList());

        ResourceForms.Placed vm = ResourceForms.place(ResourceKind.VIRTUAL_MODELS, List.of(
                new ConfigError("routing_config.load_balance_targets[1].target", "no model 'a/missing'"),
                new ConfigError("routing_config.load_balance_targets[0].weight", "must be > 0"),
                new ConfigError("routing_config.load_balance_targets[2].retry_config.attempts", "must be >= 0"),
                new ConfigError("routing_config.load_balance_targets", "weights must sum to 100, got 90"),
                new ConfigError("routing_config.type", "is required")));
        assertEquals(List.of("no model 'a/missing'"), vm.byField().get("target-1"));
        assertEquals(List.of("must be > 0"), vm.byField().get("weight-0"));
        assertEquals(List.of("must be >= 0"), vm.byField().get("target-2"), "a row's other fields: its target");
        assertEquals(List.of("weights must sum to 100, got 90"), vm.byField().get(ResourceForms.TARGETS));
        assertEquals(List.of("is required"), vm.byField().get("routing_config.type"));
        assertTrue(vm.elsewhere().isEmpty());
    }

    @Test
    void rowsAreAddedBlankAndRemovedByIndex() {
        List<ResourceForms.TargetRow> rows = List.of(new ResourceForms.TargetRow("a/one", "50", ""),
                new ResourceForms.TargetRow("a/two", "50", ""));
        assertEquals(3, ResourceForms.withRows(rows, "add").size());
        assertEquals(List.of("a/two"), ResourceForms.withRows(rows, "remove-0").stream()
                .map(ResourceForms.TargetRow::target).toList());
        assertEquals(rows, ResourceForms.withRows(rows, "remove-7"));
    }

    @Test
    void aModelsFormShowsItsStoredValues() {
        JsonNode stored = json("""
                {"id": "gpt-acme", "price": {"input_per_million_usd": 2.5, "output_per_million_usd": 10},
                 "log_payloads": true}""");
        ResourceForms.Submitted form = ResourceForms.of(ResourceKind.MODELS, stored, "acme");
        assertEquals("acme", form.value(ResourceForms.ACCOUNT));
        assertEquals("gpt-acme", form.value("id"));
        assertEquals("2.5", form.value("price.input_per_million_usd"));
        assertEquals("true", form.value("log_payloads"));
        assertEquals("", form.value("timeouts.connect_ms"));
    }

    private static JsonNode json(String text) {
        try {
            return ConfigJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
