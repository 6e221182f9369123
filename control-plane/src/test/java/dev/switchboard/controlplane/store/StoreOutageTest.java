package dev.switchboard.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.teststack.LocalStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL away: at start (the test stack opens the way only after the control plane was refused twice) and at run
 * time (the way cut, then given back).
 */
@QuarkusTest
@QuarkusTestResource(value = ControlPlaneTestStack.class, restrictToAnnotatedClass = false)
class StoreOutageTest {

    private static String where() {
        return "127.0.0.1:" + ControlPlaneTestStack.pgProxy.port() + "/" + LocalStack.get().pgDatabase();
    }

    @Test
    void theStartWaitsForPostgresNamingIt() throws Exception {
        String log = Files.readString(ControlPlaneTestStack.logFile);
        assertTrue(log.contains("cannot reach PostgreSQL at " + where() + " ("), "the wait names the database");
        assertTrue(log.contains("trying again in 1000 ms"), "the first pause");
        assertFalse(log.contains(ControlPlaneTestStack.PG_PASSWORD), "the password reached the log");
        Admin.get("/admin/v1/users").then().statusCode(200);
    }

    @Test
    void postgresLostAtRunTimeIsA503ProblemAndOneLogLine() throws Exception {
        Admin.get("/admin/v1/users").then().statusCode(200);
        String lostLine = "PostgreSQL at " + where() + " cannot be reached";
        long before = lines(lostLine);
        ControlPlaneTestStack.pgProxy.down();
        try {
            for (int i = 0; i < 3; i++) {
                Response r = Admin.get(i == 2 ? "/admin/v1/config" : "/admin/v1/users");
                assertEquals(503, r.statusCode(), r.asString());
                assertEquals("application/problem+json", r.contentType());
                assertEquals("5", r.header("Retry-After"));
                JsonNode body = Admin.json(r);
                assertEquals(503, body.get("status").asInt());
                assertEquals("service unavailable", body.get("title").asText());
                assertEquals("the config store (PostgreSQL at " + where() + ") cannot be reached; try again later",
                        body.get("detail").asText());
                assertFalse(r.asString().contains(ControlPlaneTestStack.PG_PASSWORD));
            }
            Response write = Admin.post("/admin/v1/users", "{\"name\": \"while-down\"}");
            assertEquals(503, write.statusCode(), write.asString());
        } finally {
            ControlPlaneTestStack.pgProxy.up();
        }
        assertEquals(1, lines(lostLine) - before, "the cause logged once for the outage");
        awaitOk("/admin/v1/users");
        assertTrue(lines("PostgreSQL at " + where() + " reachable again") >= 1, "the end of the outage is logged");
        assertFalse(Files.readString(ControlPlaneTestStack.logFile).contains(ControlPlaneTestStack.PG_PASSWORD));
    }

    private static void awaitOk(String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Admin.get(path).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the admin API did not answer 200 again");
            }
            Thread.sleep(100);
        }
    }

    private static long lines(String text) throws Exception {
        return Files.readAllLines(ControlPlaneTestStack.logFile).stream().filter(l -> l.contains(text)).count();
    }
}
