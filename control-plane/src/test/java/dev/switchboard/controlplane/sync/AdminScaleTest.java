package dev.switchboard.controlplane.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ScaleConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures, and prints, the whole path at scale: importing 100,000 API keys and 10,000 models through the API, then
 * one small change on that config, each until NATS acknowledged the snapshot. Opt-in (a minute or more):
 * {@code ./mvnw -o verify -pl control-plane -Dtest=AdminScaleTest -Dcontrolplane.scale=true}.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "controlplane.scale", matches = "true")
class AdminScaleTest {

    @Inject
    SnapshotPublisher publisher;

    @Test
    void importAndChangeA100kKeyConfig() throws Exception {
        String json = ScaleConfig.json();

        long t0 = System.nanoTime();
        Response imported = Admin.admin().contentType("application/json").body(json)
                .put("/admin/v1/config");
        long t1 = System.nanoTime();
        imported.then().log().ifValidationFails().statusCode(200);
        long revision = imported.jsonPath().getLong("revision");
        assertTrue(publisher.awaitPublished(revision, Duration.ofMinutes(2)));
        long t2 = System.nanoTime();
        System.out.printf("[AdminScaleTest] import of 100,000 keys + 10,000 models: commit %.0f ms, published %.0f ms"
                + " after the commit (%s)%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, publisher.status().last());

        for (int i = 0; i < 3; i++) {
            long c0 = System.nanoTime();
            Response one = Admin.admin().contentType("application/json").body("{\"name\":\"late-" + i + "\"}")
                    .post("/admin/v1/users");
            long c1 = System.nanoTime();
            one.then().statusCode(201);
            assertTrue(publisher.awaitPublished(Long.parseLong(one.header("Switchboard-Revision")),
                    Duration.ofMinutes(1)));
            long c2 = System.nanoTime();
            System.out.printf("[AdminScaleTest] one new user on that config: commit %.0f ms, published %.0f ms after"
                    + " the commit (%s)%n", (c1 - c0) / 1e6, (c2 - c1) / 1e6, publisher.status().last());
        }
        Admin.reset();
    }
}
