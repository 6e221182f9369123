package dev.switchboard.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart in {@code helm/switchboard}, linted and rendered by the Helm library that helm-java bundles (no
 * {@code helm} binary, no cluster: {@code lookup} finds nothing, as in {@code helm template}).
 */
class HelmChartTest {

    static final Path CHART = chart();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String RELEASE = "sb";
    private static final String NAMESPACE = "ai";

    private static Path chart() {
        // Surefire runs in the module's directory; the chart is at the repository root.
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path chart = dir.resolveSibling("helm").resolve("switchboard");
        if (!Files.isDirectory(chart)) {
            chart = dir.resolve("helm").resolve("switchboard");
        }
        return chart;
    }

    /**
     * Renders the chart with the settings, and parses every document. The library's template, unlike the {@code helm
     * template} command, runs {@code lookup} against a cluster (localhost:8080 without a kubeconfig), so the tests
     * turn the Secret's lookup off: nothing here may reach for a cluster.
     */
    static List<JsonNode> render(UnaryOperator<TemplateCommand> settings) throws IOException {
        String out = settings.apply(new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .set("secrets.lookupExisting", false)).call();
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(out)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static List<JsonNode> render() throws IOException {
        return render(t -> t);
    }

    static Map<String, Long> kinds(List<JsonNode> docs) {
        return docs.stream().collect(Collectors.groupingBy(d -> d.path("kind").asText(), TreeMap::new,
                Collectors.counting()));
    }

    private static JsonNode one(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found = docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .toList();
        assertEquals(1, found.size(), () -> kind + " " + name + " in " + kinds(docs));
        return found.get(0);
    }

    private static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    /** The container's env: name to the value, or to "secret:<key>" for a value from the Secret. */
    private static Map<String, String> env(JsonNode deployment) {
        Map<String, String> env = new TreeMap<>();
        for (JsonNode e : container(deployment).path("env")) {
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            env.put(e.path("name").asText(), ref.isMissingNode()
                    ? e.path("value").asText()
                    : "secret:" + ref.path("name").asText() + "/" + ref.path("key").asText());
        }
        return env;
    }

    @Test
    void lintPasses() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), () -> String.join("\n", result.getMessages()));
    }

    @Test
    void defaultsRenderTheThreeServicesWithTheirPortsAndProbes() throws IOException {
        List<JsonNode> docs = render();
        Map<String, Long> kinds = kinds(docs);
        assertEquals(3, kinds.get("Deployment"), kinds::toString);
        assertEquals(3, kinds.get("Service"), kinds::toString);
        assertEquals(1, kinds.get("Secret"), kinds::toString);
        assertEquals(1, kinds.get("ServiceAccount"), kinds::toString);
        assertEquals(2, kinds.get("PodDisruptionBudget"), kinds::toString);
        assertFalse(kinds.containsKey("Ingress"), "ingress is off by default: " + kinds);

        Map<String, Integer> ports = Map.of("control-plane", 8081, "gateway-plane", 8080, "mcp-gateway", 8082);
        for (var entry : ports.entrySet()) {
            String name = "sb-switchboard-" + entry.getKey();
            int port = entry.getValue();
            JsonNode deployment = one(docs, "Deployment", name);
            JsonNode c = container(deployment);
            assertEquals("switchboard/" + entry.getKey() + ":0.1.0", c.path("image").asText());
            assertEquals(port, c.path("ports").get(0).path("containerPort").asInt());
            assertEquals("http", c.path("ports").get(0).path("name").asText());
            assertEquals("/q/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
            assertEquals("/q/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
            assertEquals("http", c.path("readinessProbe").path("httpGet").path("port").asText());
            assertEquals(String.valueOf(port), env(deployment).get("QUARKUS_HTTP_PORT"));
            assertEquals("secret:sb-switchboard/master-key", env(deployment).get("SWITCHBOARD_MASTER_KEY"));
            assertEquals("nats://nats:4222", env(deployment).get("SWITCHBOARD_NATS_URL"));
            assertTrue(c.path("resources").path("limits").has("memory"), name);

            // Non-root, read-only root filesystem; /tmp is an emptyDir.
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), name);
            assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), name);
            assertEquals("sb-switchboard", pod.path("serviceAccountName").asText());
            assertTrue(c.path("volumeMounts").findValuesAsText("mountPath").contains("/tmp"), name);

            JsonNode service = one(docs, "Service", name);
            assertEquals(port, service.path("spec").path("ports").get(0).path("port").asInt());
            assertEquals("http", service.path("spec").path("ports").get(0).path("targetPort").asText());
            assertEquals(deployment.path("spec").path("selector").path("matchLabels"), service.path("spec").path("selector"));
        }

        // The planes keep their snapshot cache on an emptyDir, the only writable place besides /tmp.
        for (String plane : List.of("gateway-plane", "mcp-gateway")) {
            JsonNode deployment = one(docs, "Deployment", "sb-switchboard-" + plane);
            assertEquals("/var/cache/switchboard/snapshot.json.gz", env(deployment).get("SWITCHBOARD_SNAPSHOT_CACHE"));
            assertTrue(container(deployment).path("volumeMounts").findValuesAsText("mountPath")
                    .contains("/var/cache/switchboard"), plane);
            // ... and the telemetry spool beside it, bounded below what the volume may hold (past it, eviction)
            assertEquals("/var/cache/switchboard/spool", env(deployment).get("SWITCHBOARD_TELEMETRY_SPOOL_DIR"));
            assertEquals("33554432", env(deployment).get("SWITCHBOARD_TELEMETRY_SPOOL_MAX_BYTES"));
            JsonNode cache = null;
            for (JsonNode volume : deployment.path("spec").path("template").path("spec").path("volumes")) {
                if ("cache".equals(volume.path("name").asText())) {
                    cache = volume;
                }
            }
            assertEquals("96Mi", cache.path("emptyDir").path("sizeLimit").asText(), plane);
            assertEquals(2, deployment.path("spec").path("replicas").asInt());
            one(docs, "PodDisruptionBudget", "sb-switchboard-" + plane);
        }
        // The gateway's event loops follow its CPU limit: a whole number by default.
        JsonNode gateway = container(one(docs, "Deployment", "sb-switchboard-gateway-plane"));
        assertEquals("2", gateway.path("resources").path("limits").path("cpu").asText());

        Map<String, String> cp = env(one(docs, "Deployment", "sb-switchboard-control-plane"));
        assertEquals("secret:sb-switchboard/admin-token", cp.get("SWITCHBOARD_ADMIN_TOKEN"));
        assertEquals("secret:sb-switchboard/postgres-password", cp.get("SWITCHBOARD_PG_PASSWORD"));
        assertEquals("postgresql", cp.get("SWITCHBOARD_PG_HOST"));
        assertEquals("5432", cp.get("SWITCHBOARD_PG_PORT"));
        assertEquals("http://clickhouse:8123", cp.get("SWITCHBOARD_CLICKHOUSE_URL"));
        assertEquals("switchboard", cp.get("SWITCHBOARD_CLICKHOUSE_DATABASE"));
        assertEquals("secret:sb-switchboard/clickhouse-password", cp.get("SWITCHBOARD_CLICKHOUSE_PASSWORD"));
        assertFalse(cp.containsKey("SWITCHBOARD_SNAPSHOT_CACHE"));
        assertFalse(cp.containsKey("SWITCHBOARD_TELEMETRY_SPOOL_DIR"));

        Map<String, String> mcp = env(one(docs, "Deployment", "sb-switchboard-mcp-gateway"));
        assertEquals("secret:sb-switchboard/mcp-session-key", mcp.get("SWITCHBOARD_MCP_SESSION_KEY"));
        assertTrue(List.of(mcp.get("SWITCHBOARD_MCP_ALLOWED_HOSTS").split(","))
                .containsAll(List.of("sb-switchboard-mcp-gateway", "sb-switchboard-mcp-gateway.ai.svc")));

        // Generated keys: base64 of 32 bytes, and the admin token is set.
        JsonNode data = one(docs, "Secret", "sb-switchboard").path("data");
        for (String key : List.of("master-key", "mcp-session-key")) {
            String value = new String(Base64.getDecoder().decode(data.path(key).asText()));
            assertEquals(32, Base64.getDecoder().decode(value).length, key);
        }
        assertFalse(new String(Base64.getDecoder().decode(data.path("admin-token").asText())).isBlank());
        assertEquals("keep", one(docs, "Secret", "sb-switchboard").path("metadata").path("annotations")
                .path("helm.sh/resource-policy").asText());
    }

    @Test
    void givenSecretsAreUsedAsTheyAre() throws IOException {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        List<JsonNode> docs = render(t -> t.set("secrets.adminToken", "admin-123").set("secrets.masterKey", key)
                .set("secrets.postgresPassword", "pg-pass"));
        JsonNode data = one(docs, "Secret", "sb-switchboard").path("data");
        assertEquals("admin-123", new String(Base64.getDecoder().decode(data.path("admin-token").asText())));
        assertEquals(key, new String(Base64.getDecoder().decode(data.path("master-key").asText())));
        assertEquals("pg-pass", new String(Base64.getDecoder().decode(data.path("postgres-password").asText())));
    }

    @Test
    void aMasterKeyOfTheWrongLengthIsRefused() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        Exception e = assertThrows(Exception.class, () -> render(t -> t.set("secrets.masterKey", shortKey)));
        assertTrue(String.valueOf(e.getMessage()).contains("base64 of 32 bytes"), e::getMessage);
    }

    @Test
    void anExistingSecretReplacesTheChartsSecret() throws IOException {
        List<JsonNode> docs = render(t -> t.set("secrets.existingSecret", "my-switchboard-secrets"));
        assertFalse(kinds(docs).containsKey("Secret"), kinds(docs)::toString);
        for (String name : List.of("control-plane", "gateway-plane", "mcp-gateway")) {
            assertEquals("secret:my-switchboard-secrets/master-key",
                    env(one(docs, "Deployment", "sb-switchboard-" + name)).get("SWITCHBOARD_MASTER_KEY"));
        }
        assertEquals("secret:my-switchboard-secrets/admin-token",
                env(one(docs, "Deployment", "sb-switchboard-control-plane")).get("SWITCHBOARD_ADMIN_TOKEN"));
    }

    @Test
    void ingressIsRenderedWhenEnabled() throws IOException {
        List<JsonNode> docs = render(t -> t.set("gatewayPlane.ingress.enabled", true)
                .set("gatewayPlane.ingress.className", "nginx")
                .set("gatewayPlane.ingress.hosts[0].host", "llm.example.com")
                .set("mcpGateway.ingress.enabled", true)
                .set("mcpGateway.ingress.hosts[0].host", "mcp.example.com")
                .set("mcpGateway.ingress.tls[0].hosts[0]", "mcp.example.com")
                .set("mcpGateway.ingress.tls[0].secretName", "mcp-tls"));
        assertEquals(2, kinds(docs).get("Ingress"), kinds(docs)::toString);
        JsonNode ingress = one(docs, "Ingress", "sb-switchboard-gateway-plane");
        assertEquals("nginx", ingress.path("spec").path("ingressClassName").asText());
        JsonNode rule = ingress.path("spec").path("rules").get(0);
        assertEquals("llm.example.com", rule.path("host").asText());
        JsonNode backend = rule.path("http").path("paths").get(0).path("backend").path("service");
        assertEquals("sb-switchboard-gateway-plane", backend.path("name").asText());
        assertEquals("http", backend.path("port").path("name").asText());

        // The MCP gateway serves its ingress host and hands out its public URL.
        Map<String, String> mcp = env(one(docs, "Deployment", "sb-switchboard-mcp-gateway"));
        assertEquals("https://mcp.example.com", mcp.get("SWITCHBOARD_MCP_PUBLIC_URL"));
        assertTrue(List.of(mcp.get("SWITCHBOARD_MCP_ALLOWED_HOSTS").split(",")).contains("mcp.example.com"));
    }

    @Test
    void valuesOverrideReplicasImagesAndExternalServices() throws IOException {
        List<JsonNode> docs = render(t -> t.set("gatewayPlane.replicaCount", 5)
                .set("gatewayPlane.image.repository", "acme/switchboard-gw")
                .set("gatewayPlane.image.tag", "1.2.3")
                .set("imageTag", "9.9.9")
                .set("mcpGateway.replicaCount", 1)
                .set("gatewayPlane.eventLoops", 4)
                .set("nats.url", "nats://nats.messaging:4222")
                .set("postgresql.host", "pg.db")
                .set("controlPlane.enabled", false)
                .set("podAntiAffinity", "hard"));
        JsonNode gateway = one(docs, "Deployment", "sb-switchboard-gateway-plane");
        assertEquals(5, gateway.path("spec").path("replicas").asInt());
        assertEquals("acme/switchboard-gw:1.2.3", container(gateway).path("image").asText());
        assertEquals("4", env(gateway).get("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE"));
        assertEquals("nats://nats.messaging:4222", env(gateway).get("SWITCHBOARD_NATS_URL"));
        assertEquals("kubernetes.io/hostname", gateway.path("spec").path("template").path("spec").path("affinity")
                .path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution").get(0)
                .path("topologyKey").asText());

        JsonNode mcp = one(docs, "Deployment", "sb-switchboard-mcp-gateway");
        assertEquals("switchboard/mcp-gateway:9.9.9", container(mcp).path("image").asText());
        assertEquals(1, mcp.path("spec").path("replicas").asInt());
        // No budget for a single replica: minAvailable 1 would block every node drain.
        Map<String, Long> kinds = kinds(docs);
        assertEquals(1, kinds.get("PodDisruptionBudget"), kinds::toString);
        assertEquals(2, kinds.get("Deployment"), kinds::toString);
        assertNotEquals(null, one(docs, "PodDisruptionBudget", "sb-switchboard-gateway-plane"));
    }

    @Test
    void anHpaOwnsThePlanesReplicasWhenEnabled() throws IOException {
        List<JsonNode> docs = render(t -> t.set("gatewayPlane.autoscaling.enabled", true)
                .set("gatewayPlane.autoscaling.minReplicas", 3)
                .set("gatewayPlane.autoscaling.maxReplicas", 12)
                .set("gatewayPlane.autoscaling.customMetric.name", "http_server_active_requests")
                .set("gatewayPlane.autoscaling.customMetric.averageValue", "100"));
        JsonNode hpa = one(docs, "HorizontalPodAutoscaler", "sb-switchboard-gateway-plane");
        assertEquals(1, kinds(docs).get("HorizontalPodAutoscaler"), kinds(docs)::toString);
        JsonNode spec = hpa.path("spec");
        assertEquals("Deployment", spec.path("scaleTargetRef").path("kind").asText());
        assertEquals("sb-switchboard-gateway-plane", spec.path("scaleTargetRef").path("name").asText());
        assertEquals(3, spec.path("minReplicas").asInt());
        assertEquals(12, spec.path("maxReplicas").asInt());
        JsonNode cpu = spec.path("metrics").get(0);
        assertEquals("cpu", cpu.path("resource").path("name").asText());
        assertEquals(70, cpu.path("resource").path("target").path("averageUtilization").asInt());
        JsonNode custom = spec.path("metrics").get(1);
        assertEquals("Pods", custom.path("type").asText());
        assertEquals("100", custom.path("pods").path("target").path("averageValue").asText());
        // The Deployment leaves the count to the HPA (a rendered count would reset it at every upgrade).
        assertFalse(one(docs, "Deployment", "sb-switchboard-gateway-plane").path("spec").has("replicas"));
        assertEquals(2, one(docs, "Deployment", "sb-switchboard-mcp-gateway").path("spec").path("replicas").asInt());
    }

    @Test
    void anHpaWithoutATargetOrWithMinAboveMaxIsRefused() {
        Exception noTarget = assertThrows(Exception.class, () -> render(t -> t.set("mcpGateway.autoscaling.enabled", true)
                .set("mcpGateway.autoscaling.targetCPUUtilizationPercentage", "null")));
        assertTrue(String.valueOf(noTarget.getMessage()).contains("mcpGateway.autoscaling needs a target"),
                noTarget::getMessage);
        Exception minAboveMax = assertThrows(Exception.class, () -> render(t -> t.set("mcpGateway.autoscaling.enabled", true)
                .set("mcpGateway.autoscaling.minReplicas", 5).set("mcpGateway.autoscaling.maxReplicas", 3)));
        assertTrue(String.valueOf(minAboveMax.getMessage())
                .contains("mcpGateway.autoscaling.minReplicas (5) must not exceed maxReplicas (3)"), minAboveMax::getMessage);
    }

    @Test
    void serviceMonitorsScrapeThePlanesMetricsThroughTheirServices() throws IOException {
        List<JsonNode> docs = render(t -> t.set("serviceMonitor.enabled", true)
                .set("serviceMonitor.labels.release", "kube-prometheus-stack"));
        // The control plane has no /q/metrics.
        assertEquals(2, kinds(docs).get("ServiceMonitor"), kinds(docs)::toString);
        for (String plane : List.of("gateway-plane", "mcp-gateway")) {
            JsonNode monitor = one(docs, "ServiceMonitor", "sb-switchboard-" + plane);
            assertEquals("kube-prometheus-stack", monitor.path("metadata").path("labels").path("release").asText());
            JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
            assertEquals("/q/metrics", endpoint.path("path").asText());
            assertEquals("http", endpoint.path("port").asText());
            assertEquals("ai", monitor.path("spec").path("namespaceSelector").path("matchNames").get(0).asText());
            // It must select the Service (whose port is named http), and only that one.
            JsonNode service = one(docs, "Service", "sb-switchboard-" + plane);
            monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label ->
                    assertEquals(label.getValue(), service.path("metadata").path("labels").path(label.getKey()), label.getKey()));
            assertEquals("http", service.path("spec").path("ports").get(0).path("name").asText());
        }
    }

    @Test
    void networkPoliciesAdmitTheListedPeersToEachServicesPort() throws IOException {
        List<JsonNode> docs = render(t -> t.set("networkPolicy.enabled", true)
                .set("networkPolicy.gatewayPlane.from[0].namespaceSelector.matchLabels.team", "apps"));
        assertEquals(3, kinds(docs).get("NetworkPolicy"), kinds(docs)::toString);
        JsonNode gateway = one(docs, "NetworkPolicy", "sb-switchboard-gateway-plane").path("spec");
        assertEquals(one(docs, "Deployment", "sb-switchboard-gateway-plane").path("spec").path("selector"),
                gateway.path("podSelector"));
        assertEquals(List.of("Ingress"), YAML.convertValue(gateway.path("policyTypes"), List.class));
        JsonNode rule = gateway.path("ingress").get(0);
        assertEquals(8080, rule.path("ports").get(0).path("port").asInt());
        assertEquals("apps", rule.path("from").get(0).path("namespaceSelector").path("matchLabels").path("team").asText());
        // The control plane's admin API: the release's namespace only, by default; the MCP gateway: anyone.
        JsonNode cp = one(docs, "NetworkPolicy", "sb-switchboard-control-plane").path("spec").path("ingress").get(0);
        assertEquals(8081, cp.path("ports").get(0).path("port").asInt());
        assertTrue(cp.path("from").get(0).path("podSelector").isObject());
        assertFalse(one(docs, "NetworkPolicy", "sb-switchboard-mcp-gateway").path("spec").path("ingress").get(0).has("from"));
    }

    @Test
    void theWorkflowBridgesPodTemplateCarriesItsImageAndToken() throws IOException {
        assertFalse(kinds(render()).containsKey("PodTemplate"));
        List<JsonNode> docs = render(t -> t.set("workflowBridge.podTemplate.enabled", true)
                .set("workflowBridge.podTemplate.namespace", "flyte-prod")
                .set("workflowBridge.podTemplate.serviceAccountName", "flyte-databricks-sa")
                .set("workflowBridge.podTemplate.databricksTokenSecret.name", "databricks-pat")
                .set("imageTag", "2.0.0"));
        JsonNode template = one(docs, "PodTemplate", "sb-switchboard-workflow-bridge");
        assertEquals("flyte-prod", template.path("metadata").path("namespace").asText());
        JsonNode pod = template.path("template").path("spec");
        assertEquals("flyte-databricks-sa", pod.path("serviceAccountName").asText());
        JsonNode c = pod.path("containers").get(0);
        assertEquals("primary", c.path("name").asText());
        assertEquals("switchboard/workflow-bridge:2.0.0", c.path("image").asText());
        Map<String, JsonNode> env = new TreeMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("valueFrom")));
        assertEquals("databricks-pat", env.get("DATABRICKS_PERSONAL_ACCESS_TOKEN").path("secretKeyRef").path("name").asText());
        assertEquals("metadata.labels['node-id']", env.get("FLYTE_INTERNAL_NODE_ID").path("fieldRef").path("fieldPath").asText());
        assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
    }

    @Test
    void theControlPlaneMayRunSeveralReplicas() throws IOException {
        List<JsonNode> docs = render(t -> t.set("controlPlane.replicaCount", 2)
                .set("controlPlane.podDisruptionBudget.enabled", true));
        assertEquals(2, one(docs, "Deployment", "sb-switchboard-control-plane").path("spec").path("replicas").asInt());
        one(docs, "PodDisruptionBudget", "sb-switchboard-control-plane");
    }

    @Test
    void thePlanesDrainOnStopWithinTheirGracePeriod() throws IOException {
        List<JsonNode> defaults = render();
        for (String plane : List.of("gateway-plane", "mcp-gateway")) {
            JsonNode deployment = one(defaults, "Deployment", "sb-switchboard-" + plane);
            assertEquals(40, deployment.path("spec").path("template").path("spec")
                    .path("terminationGracePeriodSeconds").asInt(), plane);
            assertEquals("5s", env(deployment).get("QUARKUS_SHUTDOWN_DELAY"), plane);
            assertEquals("30s", env(deployment).get("QUARKUS_SHUTDOWN_TIMEOUT"), plane);
        }
        // The control plane answers short admin calls only: Kubernetes's default grace, no drain settings.
        JsonNode controlPlane = one(defaults, "Deployment", "sb-switchboard-control-plane");
        assertTrue(controlPlane.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds")
                .isMissingNode());
        assertFalse(env(controlPlane).containsKey("QUARKUS_SHUTDOWN_TIMEOUT"));

        JsonNode longStreams = one(render(t -> t.set("shutdown.timeoutSeconds", 600).set("shutdown.delaySeconds", 10)),
                "Deployment", "sb-switchboard-gateway-plane");
        assertEquals(615, longStreams.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds")
                .asInt());
        assertEquals("600s", env(longStreams).get("QUARKUS_SHUTDOWN_TIMEOUT"));

        String refused = refusal(t -> t.set("shutdown.timeoutSeconds", 0));
        assertTrue(refused.contains("shutdown.timeoutSeconds"), refused);
    }

    /** What the values schema says about a wrong value, through Helm's own check. */
    private static String refusal(UnaryOperator<TemplateCommand> settings) {
        Exception e = assertThrows(Exception.class, () -> render(settings));
        return String.valueOf(e.getMessage());
    }

    @Test
    void theValuesSchemaRefusesWrongValuesNamingThem() {
        String unknown = refusal(t -> t.set("gatewayPlane.replicas", 3));
        // The line helm/switchboard/README.md shows.
        assertTrue(unknown.contains("- gatewayPlane: Additional property replicas is not allowed"), unknown);

        String type = refusal(t -> t.set("mcpGateway.replicaCount", "two"));
        assertTrue(type.contains("mcpGateway.replicaCount") && type.toLowerCase().contains("integer"), type);

        String choice = refusal(t -> t.set("podAntiAffinity", "always"));
        assertTrue(choice.contains("podAntiAffinity"), choice);

        String nats = refusal(t -> t.set("nats.url", "nats:4222"));
        assertTrue(nats.contains("nats.url"), nats);

        String port = refusal(t -> t.set("controlPlane.port", 70000));
        assertTrue(port.contains("controlPlane.port"), port);

        String hpa = refusal(t -> t.set("gatewayPlane.autoscaling.minReplicas", 0));
        assertTrue(hpa.contains("gatewayPlane.autoscaling.minReplicas"), hpa);
    }

    @Test
    void theChartReadmeShowsThePodTemplateTheChartRenders() throws IOException {
        String readme = Files.readString(CHART.resolve("README.md"));
        int kind = readme.indexOf("kind: PodTemplate");
        int start = readme.lastIndexOf("```yaml\n", kind) + "```yaml\n".length();
        JsonNode shown = YAML.readTree(readme.substring(start, readme.indexOf("```", kind)));
        List<JsonNode> docs = render(t -> t.set("workflowBridge.podTemplate.enabled", true)
                .set("workflowBridge.podTemplate.namespace", "forecasting-production")
                .set("workflowBridge.podTemplate.serviceAccountName", "flyte-databricks-sa")
                .set("workflowBridge.podTemplate.databricksTokenSecret.name", "databricks-pat"));
        JsonNode rendered = one(docs, "PodTemplate", "sb-switchboard-workflow-bridge").deepCopy();
        // The README leaves the labels out.
        ((com.fasterxml.jackson.databind.node.ObjectNode) rendered.path("metadata")).remove("labels");
        assertEquals(rendered, shown);
    }
}
