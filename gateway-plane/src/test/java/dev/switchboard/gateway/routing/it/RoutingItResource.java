package dev.switchboard.gateway.routing.it;

import dev.switchboard.model.config.ApiKey;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts three fake OpenAI servers, each the upstream of its own provider account ({@code primary},
 * {@code secondary}, {@code tertiary}), so that which upstream served a request shows in its request count; picks a
 * loopback port nothing listens on for the account {@code closed}; and writes the standalone config from
 * {@code routing-it/gateway.yaml}.
 */
public class RoutingItResource implements QuarkusTestResourceLifecycleManager {

    /** The gateway key of the tests' caller, alice, who may use every model. */
    public static final String CALLER_KEY = "sk-sb-routing-it-alice-5e0c1a9f73d2";

    public static FakeOpenAi primary;
    public static FakeOpenAi secondary;
    public static FakeOpenAi tertiary;
    public static Path configFile;

    @Override
    public Map<String, String> start() {
        primary = FakeOpenAi.start();
        secondary = FakeOpenAi.start();
        tertiary = FakeOpenAi.start();
        try {
            configFile = Files.createTempFile("switchboard-routing-it", ".yaml");
            Files.writeString(configFile, config());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("switchboard.config", configFile.toString());
        return props;
    }

    /** After any other resource, so that this config wins should a global resource also be active. */
    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void stop() {
        for (FakeOpenAi fake : new FakeOpenAi[] {primary, secondary, tertiary}) {
            if (fake != null) {
                fake.close();
            }
        }
        if (configFile != null) {
            try {
                Files.deleteIfExists(configFile);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }

    private static String config() throws IOException {
        String template;
        try (InputStream in = RoutingItResource.class.getResourceAsStream("/routing-it/gateway.yaml")) {
            if (in == null) {
                throw new IllegalStateException("missing routing-it/gateway.yaml");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("PRIMARY_URL", primary.baseUrl());
        values.put("SECONDARY_URL", secondary.baseUrl());
        values.put("TERTIARY_URL", tertiary.baseUrl());
        values.put("CLOSED_PORT", Integer.toString(closedPort()));
        values.put("ALICE_KEY_HASH", ApiKey.hashOf(CALLER_KEY));
        String config = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            config = config.replace("{{" + v.getKey() + "}}", v.getValue());
        }
        if (config.contains("{{")) {
            throw new IllegalStateException("routing-it/gateway.yaml has a placeholder without a value");
        }
        return config;
    }

    /** A loopback port nothing listens on (bound, read, released). */
    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
