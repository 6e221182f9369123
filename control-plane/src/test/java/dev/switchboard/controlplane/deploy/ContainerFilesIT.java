package dev.switchboard.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.deploy.ContainerFiles.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * After {@code package}: the control plane's image copies exactly what Maven wrote to {@code target/quarkus-app} (the
 * unit test can only compare when a build left it there); and the native image's COPY must also match the executable
 * named in {@code target/native-sources/native-image.args} (the native-sources step of every build writes it).
 */
class ContainerFilesIT {

    private static final Path REPO = HelmChartTest.CHART.getParent().getParent();

    @Test
    void theControlPlanesImageCopiesWhatPackageWrote() throws IOException {
        Path app = REPO.resolve("control-plane/target/quarkus-app");
        assertTrue(Files.isDirectory(app), app + " (package runs before the integration tests)");
        try (Stream<Path> entries = Files.list(app)) {
            Set<String> written = new TreeSet<>(entries.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("quarkus-app-dependencies.txt")).toList());
            assertEquals(new TreeSet<>(ContainerFiles.FAST_JAR), written);
        }
        for (Variant variant : Variant.values()) {
            String text = Files.readString(REPO.resolve("deploy/control-plane").resolve(variant.file));
            assertEquals(List.of(), ContainerFiles.problems(REPO, "control-plane", variant, text), variant.file);
        }
    }
}
