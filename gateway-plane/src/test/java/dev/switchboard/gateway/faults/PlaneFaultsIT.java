package dev.switchboard.gateway.faults;

import static dev.switchboard.gateway.faults.GatewayProcess.config;
import static dev.switchboard.gateway.faults.GatewayProcess.natsStatus;
import static dev.switchboard.gateway.faults.GatewayProcess.revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.ControlPlaneProcess;
import dev.switchboard.teststack.PrivateNats;
import dev.switchboard.teststack.ServiceProcess;
import dev.switchboard.teststack.TcpProxy;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The stack as it ships, in processes — a control plane, two gateways, a NATS of this test's own and a fake provider —
 * under a steady load of chat completions while NATS, then the control plane, goes away and comes back: no request
 * fails, and the revisions committed meanwhile reach both gateways once the way is open again. Gateway b reaches NATS
 * through a {@link TcpProxy}, so that it can also be restarted with NATS out of its reach.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf(value = "dev.switchboard.teststack.PrivateNats#installed",
        disabledReason = "/usr/sbin/nats-server is not installed: this test runs a NATS of its own")
class PlaneFaultsIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final int CALLERS = 8;

    private PrivateNats nats;
    private FakeOpenAi openAi;
    private ControlPlaneProcess controlPlane;
    private TcpProxy bLink;
    private ServiceProcess a;
    private ServiceProcess b;
    private String apiKey;
    private long applied;

    @BeforeAll
    void startTheStack() throws Exception {
        nats = new PrivateNats().start();
        openAi = FakeOpenAi.start();
        controlPlane = ControlPlaneProcess.builder(nats.url()).schemaPrefix("gw_faults").start();
        URI natsUri = URI.create(nats.url());
        bLink = new TcpProxy(natsUri.getHost(), natsUri.getPort());
        Path dir = Files.createTempDirectory("switchboard-plane-faults");
        a = GatewayProcess.fed("a", nats.url(), controlPlane.bucket, controlPlane.masterKey,
                dir.resolve("a-snapshot.json.gz")).start();
        b = GatewayProcess.fed("b", "nats://127.0.0.1:" + bLink.port(), controlPlane.bucket, controlPlane.masterKey,
                dir.resolve("b-snapshot.json.gz")).start();
        controlPlane.awaitReady(START);

        GatewayProcess.Caller caller = GatewayProcess.provisionCaller(controlPlane, openAi.baseUrl());
        apiKey = caller.apiKey();
        applied = caller.revision();
        a.awaitReady(START);
        b.awaitReady(START);
        awaitBothApply(applied);
    }

    @AfterAll
    void stopTheStack() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, controlPlane, bLink, openAi, nats}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.out.println("[PlaneFaultsIT] closing " + c + ": " + e);
            }
        }
    }

    @Test
    @Order(1)
    void natsRestartedUnderLoadFailsNoRequestAndBothGatewaysApplyWhatWasCommittedMeanwhile() {
        try (LoadLoop load = new LoadLoop(apiKey, "fake/gpt-4o-mini", CALLERS, List.of(a, b))) {
            awaitServed(load, 100);

            nats.stop();
            Await.until(CATCH_UP, "both gateways see NATS gone",
                    () -> !"connected".equals(natsStatus(a)) && !"connected".equals(natsStatus(b)));
            long first = controlPlane.create("/admin/v1/users", "{\"name\": \"during-nats-outage-1\"}").revision();
            long second = controlPlane.create("/admin/v1/users", "{\"name\": \"during-nats-outage-2\"}").revision();
            awaitServed(load, 300);
            Await.until(CATCH_UP, "the control plane's sync status tells NATS is away", () -> {
                var sync = controlPlane.send("GET", "/admin/v1/sync", null).body();
                return !sync.path("nats_connected").asBoolean(true)
                        && sync.path("committed_revision").asLong() == second
                        && sync.path("published_revision").asLong() == applied;
            });
            assertEquals(200, a.readinessStatus(), "a stays ready: " + config(a));
            assertEquals(200, b.readinessStatus(), "b stays ready: " + config(b));
            assertEquals(applied, revision(a), "gateway a keeps serving the snapshot it had");
            assertEquals(applied, revision(b), "gateway b keeps serving the snapshot it had");
            assertTrue(first > applied);

            nats.start();
            awaitBothApply(second);
            awaitServed(load, 100);
            load.close();
            assertEquals(List.of(), load.failures(), "no request failed while NATS restarted");
            applied = second;
            System.out.printf("[PlaneFaultsIT] NATS restart: %d requests served, none failed; revision %d applied"
                    + " by both gateways%n", load.ok(), second);
        }
    }

    @Test
    @Order(2)
    void withTheControlPlaneDownThePlanesServeStartFromTheirCacheAndCatchUpWhenItReturns() {
        try (LoadLoop load = new LoadLoop(apiKey, "fake/gpt-4o-mini", CALLERS, List.of(a, b))) {
            awaitServed(load, 100);

            // a revision committed just before the control plane dies (SIGKILL: whether it was published or not)
            long beforeDown = controlPlane.create("/admin/v1/users", "{\"name\": \"before-control-plane-down\"}")
                    .revision();
            controlPlane.process().kill();
            awaitServed(load, 200);

            // gateway b restarts with neither the control plane nor NATS in reach: it serves its cache file
            long cached = revision(b);
            load.remove(b);
            bLink.down();
            b.stop();
            b.start().awaitReady(START);
            assertEquals("cache", config(b).path("source").asText(), "b started from its cache file: " + config(b));
            assertEquals(cached, revision(b), "the cache holds the revision b served before its restart");
            long servedByB = load.served(b);
            load.add(b);
            Await.until(CATCH_UP, "b serves again from its cache", () -> load.served(b) >= servedByB + 50);
            awaitServed(load, 100);

            bLink.up();
            controlPlane.start().awaitReady(START);
            awaitBothApply(beforeDown);
            long afterReturn = controlPlane.create("/admin/v1/users", "{\"name\": \"after-control-plane-return\"}")
                    .revision();
            awaitBothApply(afterReturn);
            assertEquals("nats", config(b).path("source").asText());
            awaitServed(load, 100);
            load.close();
            assertEquals(List.of(), load.failures(), "no request failed while the control plane was down");
            System.out.printf("[PlaneFaultsIT] control plane down: %d requests served, none failed; b restarted from"
                    + " its cache at revision %d; revisions %d and %d applied by both afterwards%n", load.ok(), cached,
                    beforeDown, afterReturn);
        }
    }

    private void awaitBothApply(long revision) {
        Await.until(CATCH_UP, "both gateways apply revision " + revision + " (a: " + config(a) + ", b: " + config(b)
                + ")", () -> revision(a) >= revision && revision(b) >= revision);
    }

    private static void awaitServed(LoadLoop load, int more) {
        long target = load.ok() + more;
        Await.until(CATCH_UP, more + " more requests served (failures so far: " + load.failures().size() + ")",
                () -> load.ok() >= target || load.failures().size() > 20);
    }
}
