package dev.switchboard.gateway.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.teststack.ControlPlaneProcess;
import dev.switchboard.teststack.ServiceProcess;
import java.nio.file.Path;

/** The gateway plane as it ships, in a process of its own (a {@link ServiceProcess}), and what its readiness says. */
public final class GatewayProcess {

    private GatewayProcess() {
    }

    /** The packaged jar: the {@code gateway-plane.jar} system property, or this module's target. */
    public static Path jar() {
        String given = System.getProperty("gateway-plane.jar");
        return given != null ? Path.of(given)
                : Path.of(System.getProperty("user.dir")).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * A gateway taking its config from the control plane's {@code bucket} on {@code natsUrl} (and publishing its request
     * logs there, spooling them next to the cache at a stop), with its snapshot cache at {@code cache}; the NATS retry and check intervals are short so that a
     * test sees it catch up soon.
     */
    public static ServiceProcess.Builder fed(String name, String natsUrl, String bucket, String masterKey, Path cache) {
        return ServiceProcess.of("gateway-" + name, jar())
                .property("switchboard.nats.url", natsUrl)
                .property("switchboard.sync.bucket", bucket)
                .property("switchboard.snapshot-cache", cache.toString())
                .property("switchboard.telemetry.spool-dir", cache.resolveSibling(name + "-spool").toString())
                .property("switchboard.nats.retry-interval", "200ms")
                .property("switchboard.nats.check-interval", "2s")
                .property("switchboard.traces.export", "none")
                .env("SWITCHBOARD_MASTER_KEY", masterKey);
    }

    /** The {@code config} readiness data: {@code revision}, {@code source} (nats, cache, file) and {@code nats}. */
    public static JsonNode config(ServiceProcess gateway) {
        return gateway.readiness("config");
    }

    /** The revision the gateway serves, or -1 when it serves none or does not answer. */
    public static long revision(ServiceProcess gateway) {
        return config(gateway).path("revision").asLong(-1);
    }

    static String natsStatus(ServiceProcess gateway) {
        return config(gateway).path("nats").asText("");
    }

    /** A caller's API key, and the revision from which the gateways let it chat. */
    record Caller(String apiKey, long revision) {
    }

    /**
     * Through the control plane's admin API: a provider account {@code fake} with model {@code gpt-4o-mini} at
     * {@code baseUrl}, and a service account {@code load} whose key may use it.
     */
    static Caller provisionCaller(ControlPlaneProcess controlPlane, String baseUrl) {
        controlPlane.create("/admin/v1/provider-accounts", """
                {"name": "fake", "type": "openai-compatible", "base_url": "%s",
                 "auth": {"type": "api-key", "api_key": "sk-upstream-faults"}, "models": [{"id": "gpt-4o-mini"}]}
                """.formatted(baseUrl));
        controlPlane.create("/admin/v1/service-accounts", "{\"name\": \"load\"}");
        String key = controlPlane.create("/admin/v1/api-keys",
                "{\"name\": \"load-key\", \"subject\": \"service_account:load\"}").body().path("key").asText();
        long revision = controlPlane.create("/admin/v1/access-rules", """
                {"name": "load-chat", "subjects": ["service_account:load"], "models": ["fake/gpt-4o-mini"]}
                """).revision();
        return new Caller(key, revision);
    }
}
