package dev.switchboard.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testsupport.DemoServer;
import dev.switchboard.testsupport.DocExamples;
import dev.switchboard.testsupport.ReadmeChecks;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./switchboard up} gives a new user on the LLM side: the gateway on the example config
 * ({@code deploy/examples/switchboard.yaml}) in front of the demo upstream ({@code deploy/DemoUpstream.java}, run as
 * {@code up} runs it), and the README's chat curl against them.
 */
@QuarkusTest
@TestProfile(DemoStackTest.Profile.class)
class DemoStackTest {

    static final String EXAMPLE_URL = "http://127.0.0.1:18090/v1";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DemoUpstream.class));
        }
    }

    /** The demo upstream, and the example config with its URL moved to the upstream's port. */
    public static class DemoUpstream implements QuarkusTestResourceLifecycleManager {
        static DemoServer server;

        @Override
        public Map<String, String> start() {
            server = DemoServer.start("DemoUpstream.java");
            try {
                String example = Files.readString(DocExamples.repoRoot().resolve("deploy/examples/switchboard.yaml"));
                assertTrue(example.contains(EXAMPLE_URL), "the example config names the demo upstream");
                Path config = Files.createTempFile("switchboard-demo-stack", ".yaml");
                Files.writeString(config, example.replace(EXAMPLE_URL, server.base() + "/v1"));
                return Map.of("switchboard.config", config.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void theReadmesChatCurlAnswersAsTheReadmeSays() {
        String base = root.toString().replace("localhost", "127.0.0.1").replaceAll("/$", "");
        ReadmeChecks.Check check = ReadmeChecks.named("chat");
        String out = check.run(Map.of("http://127.0.0.1:8080", base));
        assertEquals(List.of(), check.missingFrom(out), out);
    }
}
