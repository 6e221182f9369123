package dev.switchboard.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every manifest the chart renders, for its default values and for {@code ci/full-values.yaml} (every optional part
 * on), read strictly into its Kubernetes API type ({@link KubernetesTypes}): what {@code helm lint} cannot see, such
 * as a misspelled or misplaced field, fails here.
 */
class HelmManifestsTest {

    private static List<HasMetadata> readAll(List<JsonNode> docs) throws IOException {
        List<HasMetadata> resources = new java.util.ArrayList<>();
        for (JsonNode doc : docs) {
            try {
                resources.add(KubernetesTypes.read(doc));
            } catch (IOException e) {
                throw new AssertionError(doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText()
                        + ": " + e.getMessage(), e);
            }
        }
        return resources;
    }

    private static List<JsonNode> renderFull() throws IOException {
        return HelmChartTest.render(t -> t.withValuesFile(HelmChartTest.CHART.resolve("ci").resolve("full-values.yaml")));
    }

    @Test
    void defaultValuesRenderOnlyValidKubernetesResources() throws IOException {
        List<JsonNode> docs = HelmChartTest.render(t -> t);
        List<HasMetadata> resources = readAll(docs);
        assertEquals(docs.size(), resources.size());
        assertEquals(Map.of("Deployment", 3L, "PodDisruptionBudget", 2L, "Secret", 1L, "Service", 3L,
                "ServiceAccount", 1L), HelmChartTest.kinds(docs));
    }

    @Test
    void fullValuesRenderOnlyValidKubernetesResources() throws IOException {
        List<JsonNode> docs = renderFull();
        List<HasMetadata> resources = readAll(docs);
        assertEquals(Map.of("Deployment", 3L, "HorizontalPodAutoscaler", 2L, "Ingress", 3L, "NetworkPolicy", 3L,
                "PodDisruptionBudget", 3L, "PodTemplate", 1L, "Secret", 1L, "Service", 3L, "ServiceAccount", 1L,
                "ServiceMonitor", 2L), HelmChartTest.kinds(docs));

        // The typed reading keeps what was rendered: spot checks through the types, not the tree.
        HorizontalPodAutoscaler hpa = resources.stream().filter(HorizontalPodAutoscaler.class::isInstance)
                .map(HorizontalPodAutoscaler.class::cast)
                .filter(h -> h.getMetadata().getName().equals("sb-switchboard-gateway-plane")).findFirst().orElseThrow();
        assertEquals(3, hpa.getSpec().getMinReplicas());
        assertEquals(60, hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
        assertEquals("http_server_active_requests", hpa.getSpec().getMetrics().get(1).getPods().getMetric().getName());
        assertEquals(300, hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds());
        Deployment gateway = resources.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .filter(d -> d.getMetadata().getName().equals("sb-switchboard-gateway-plane")).findFirst().orElseThrow();
        assertEquals(null, gateway.getSpec().getReplicas(), "the HPA owns the replica count");
        ServiceMonitor monitor = resources.stream().filter(ServiceMonitor.class::isInstance)
                .map(ServiceMonitor.class::cast).findFirst().orElseThrow();
        assertEquals("/q/metrics", monitor.getSpec().getEndpoints().get(0).getPath());
    }

    @Test
    void aMisspelledFieldIsRefused() throws IOException {
        JsonNode deployment = HelmChartTest.render(t -> t).stream()
                .filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        ObjectNode container = (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
        container.set("readinesProbe", container.remove("readinessProbe"));
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class,
                () -> KubernetesTypes.read(deployment));
        assertEquals("readinesProbe", e.getPropertyName());
    }

    @Test
    void aFieldInTheWrongPlaceOrOfTheWrongTypeIsRefused() throws IOException {
        List<JsonNode> docs = renderFull();
        JsonNode hpa = docs.stream().filter(d -> d.path("kind").asText().equals("HorizontalPodAutoscaler"))
                .findFirst().orElseThrow();
        // autoscaling/v1's field, in a v2 HPA.
        ((ObjectNode) hpa.path("spec")).put("targetCPUUtilizationPercentage", 70);
        assertThrows(UnrecognizedPropertyException.class, () -> KubernetesTypes.read(hpa));

        JsonNode monitor = docs.stream().filter(d -> d.path("kind").asText().equals("ServiceMonitor"))
                .findFirst().orElseThrow();
        ObjectNode endpoint = (ObjectNode) monitor.path("spec").path("endpoints").get(0);
        endpoint.set("scrapeTimout", endpoint.remove("scrapeTimeout"));
        assertThrows(UnrecognizedPropertyException.class, () -> KubernetesTypes.read(monitor));

        JsonNode deployment = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow();
        ((ObjectNode) deployment.path("spec")).put("replicas", "two");
        assertThrows(IOException.class, () -> KubernetesTypes.read(deployment));
    }

    @Test
    void aKindTheChartShouldNotRenderIsRefused() {
        ObjectNode unknown = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        unknown.put("apiVersion", "autoscaling/v2beta2").put("kind", "HorizontalPodAutoscaler");
        unknown.putObject("metadata").put("name", "old");
        IOException e = assertThrows(IOException.class, () -> KubernetesTypes.read(unknown));
        assertTrue(e.getMessage().contains("autoscaling/v2beta2/HorizontalPodAutoscaler"), e::getMessage);
    }
}
