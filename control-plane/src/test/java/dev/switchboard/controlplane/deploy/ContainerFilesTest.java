package dev.switchboard.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.controlplane.deploy.ContainerFiles.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The container files under deploy/, JVM and native, for every module (see {@link ContainerFiles} for the rules). */
class ContainerFilesTest {

    private static final Path REPO = HelmChartTest.CHART.getParent().getParent();
    private static final List<String> MODULES = List.of("control-plane", "gateway-plane", "mcp-gateway", "workflow-bridge");

    private static String read(String module, Variant variant) throws IOException {
        return Files.readString(REPO.resolve("deploy").resolve(module).resolve(variant.file));
    }

    private static List<String> problems(String module, Variant variant, String text) throws IOException {
        return ContainerFiles.problems(REPO, module, variant, text);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void everyModulesContainerFileKeepsTheRules(Variant variant) throws IOException {
        for (String module : MODULES) {
            assertEquals(List.of(), problems(module, variant, read(module, variant)), module + " " + variant.file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"control-plane", "gateway-plane", "mcp-gateway"})
    void theImageServesThePortTheChartRoutesTo(String module) throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(HelmChartTest.CHART.resolve("values.yaml").toFile());
        String key = Map.of("control-plane", "controlPlane", "gateway-plane", "gatewayPlane", "mcp-gateway", "mcpGateway")
                .get(module);
        String port = ContainerFiles.applicationProperties(REPO, module).getProperty("quarkus.http.port");
        assertEquals(port, values.path(key).path("port").asText());
        for (Variant variant : Variant.values()) {
            assertTrue(read(module, variant).contains("\nEXPOSE " + port + "\n"), module + " " + variant.file);
        }
    }

    @Test
    void theCheckFindsARootUserAWrongPortAndACopyOfSomethingMavenDoesNotBuild() throws IOException {
        String jvm = read("gateway-plane", Variant.JVM);
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("USER 1001:1001", "USER root")).stream()
                .anyMatch(p -> p.contains("non-root")));
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("USER 1001:1001\n", "")).stream()
                .anyMatch(p -> p.contains("no USER")));
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("EXPOSE 8080", "EXPOSE 8081")).stream()
                .anyMatch(p -> p.contains("quarkus.http.port is 8080")));
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("quarkus-app/lib/ /deployments/lib/",
                "lib/ /deployments/lib/")).stream().anyMatch(p -> p.contains("fast-jar's parts")));
        // The dependencies elsewhere than beside quarkus-run.jar: its manifest would not find them.
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("/deployments/lib/", "/opt/lib/")).stream()
                .anyMatch(p -> p.contains("lib")));
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("\"/deployments/quarkus-run.jar\"",
                "\"/app/quarkus-run.jar\"")).stream().anyMatch(p -> p.contains("does not start what was copied")));
        assertTrue(problems("gateway-plane", Variant.JVM, jvm.replace("eclipse-temurin:17-jre", "eclipse-temurin"))
                .stream().anyMatch(p -> p.contains("fixed tag")));

        String nativeFile = read("mcp-gateway", Variant.NATIVE);
        assertTrue(problems("mcp-gateway", Variant.NATIVE, nativeFile.replace("target/*-runner", "target/*-native"))
                .stream().anyMatch(p -> p.contains("does not match the native build's executable")));
        assertTrue(problems("mcp-gateway", Variant.NATIVE, nativeFile.replace("/q/health/live", "/health")).stream()
                .anyMatch(p -> p.contains("HEALTHCHECK")));

        String bridge = read("workflow-bridge", Variant.NATIVE);
        assertTrue(problems("workflow-bridge", Variant.NATIVE, bridge.replace("/usr/local/bin/workflow-bridge",
                "/opt/workflow-bridge")).stream().anyMatch(p -> p.contains("ENTRYPOINT")));
    }

    @Test
    void continuationLinesAreOneInstruction() {
        List<ContainerFiles.Instruction> parsed = ContainerFiles.parse("""
                # a comment
                FROM debian:bookworm-slim
                ENV A=1 \\
                    B=2
                USER 1001
                """);
        assertEquals(List.of(new ContainerFiles.Instruction("FROM", "debian:bookworm-slim"),
                new ContainerFiles.Instruction("ENV", "A=1  B=2"), new ContainerFiles.Instruction("USER", "1001")), parsed);
    }
}
