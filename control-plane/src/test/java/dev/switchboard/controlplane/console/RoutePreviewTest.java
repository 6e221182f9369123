package dev.switchboard.controlplane.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.config.HealthPolicy;
import dev.switchboard.model.config.VirtualModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutePreviewTest {

    @Test
    void weightsBecomeSharesOfFirstAttemptsHighestWeightFirst() {
        RoutePreview.Preview p = RoutePreview.of(vm("""
                {"name": "vm", "routing_config": {"type": "weight-based-routing", "load_balance_targets": [
                  {"target": "a/small", "weight": 10}, {"target": "a/big", "weight": 60}, {"target": "b/mid", "weight": 30}]}}"""),
                HealthPolicy.DEFAULTS);
        assertEquals("weight-based-routing", p.strategy());
        assertEquals(List.of("a/big", "b/mid", "a/small"), p.targets().stream().map(RoutePreview.Row::target).toList());
        assertEquals(List.of("60%", "30%", "10%"), p.targets().stream().map(RoutePreview.Row::share).toList());
        assertNull(p.sticky());
    }

    @Test
    void priorityGivesEveryFirstAttemptToTheLowestNumber() {
        RoutePreview.Preview p = RoutePreview.of(vm("""
                {"name": "vm", "routing_config": {"type": "priority-based-routing", "load_balance_targets": [
                  {"target": "a/backup", "priority": 1}, {"target": "a/main", "priority": 0}]}}"""), null);
        assertEquals(List.of("a/main", "a/backup"), p.targets().stream().map(RoutePreview.Row::target).toList());
        assertEquals(List.of("100%", "0%"), p.targets().stream().map(RoutePreview.Row::share).toList());
        assertTrue(p.health().contains("2 failures") && p.health().contains("120 s"), p.health());
    }

    @Test
    void latencyOnANewGatewayIsAnEvenPickWhileTheTargetsAreLearned() {
        RoutePreview.Preview p = RoutePreview.of(vm("""
                {"name": "vm", "routing_config": {"type": "latency-based-routing", "sticky": {"header": "x-session"},
                  "load_balance_targets": [{"target": "a/one"}, {"target": "a/two"}, {"target": "a/three"}]}}"""),
                HealthPolicy.DEFAULTS);
        assertEquals(List.of("33.3%", "33.3%", "33.3%"), p.targets().stream().map(RoutePreview.Row::share).toList());
        assertTrue(p.reason().contains("fewer than 3 samples"), p.reason());
        assertTrue(p.sticky().contains("the header x-session"), p.sticky());
    }

    @Test
    void withoutARoutingTypeThereIsNothingToExplain() {
        RoutePreview.Preview p = RoutePreview.of(vm("{\"name\": \"vm\"}"), HealthPolicy.DEFAULTS);
        assertNull(p.strategy());
        assertEquals(List.of(), p.targets());
    }

    private static VirtualModel vm(String json) {
        return ConfigCodec.readJson(json, VirtualModel.class);
    }
}
