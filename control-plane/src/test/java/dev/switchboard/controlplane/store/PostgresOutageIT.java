package dev.switchboard.controlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.ControlPlaneProcess;
import dev.switchboard.teststack.ControlPlaneProcess.Answer;
import dev.switchboard.teststack.LocalStack;
import dev.switchboard.teststack.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The control plane as it ships, in its own process, reaching PostgreSQL through a {@link TcpProxy} that the test cuts:
 * once in the middle of a write's transaction, and then for every connection. The admin API answers 503 in its problem
 * shape with {@code Retry-After}; nothing of a write the outage interrupted is stored, what was written before is
 * intact; and when the way is open again the admin API works by itself, no restart.
 */
class PostgresOutageIT {

    @Test
    void theAdminApiAnswers503WhilePostgresIsAwayNothingIsHalfWrittenAndItRecoversByItself() throws Exception {
        LocalStack stack = LocalStack.get();
        try (TcpProxy pg = new TcpProxy(stack.pgHost(), stack.pgPort());
             ControlPlaneProcess cp = ControlPlaneProcess.builder(stack.natsUrl()).schemaPrefix("cp_pg_outage")
                     .pgPort(pg.port()).start()) {
            cp.awaitReady(Duration.ofSeconds(120));
            long before = cp.create("/admin/v1/users", "{\"name\": \"before-outage\", \"email\": \"b@example.com\"}")
                    .revision();

            // cut after the statement carrying the new user went through, inside its transaction, before its commit
            pg.cutAfter("half-written");
            assertUnavailable(cp.send("POST", "/admin/v1/users", "{\"name\": \"half-written\"}"));
            assertUnavailable(cp.send("POST", "/admin/v1/users", "{\"name\": \"during-outage\"}"));
            assertUnavailable(cp.send("GET", "/admin/v1/users", null));
            assertUnavailable(cp.send("PUT", "/admin/v1/users/before-outage", "{\"email\": \"changed@example.com\"}"));
            assertEquals(503, cp.process().readinessStatus(), "not ready while its database is away");
            System.out.println("[PostgresOutageIT] readiness while PostgreSQL is away: " + cp.process().readiness());

            pg.up();
            Await.until(Duration.ofSeconds(60), "the admin API answers again without a restart",
                    () -> cp.send("GET", "/admin/v1/users/before-outage", null).status() == 200);
            Answer intact = cp.send("GET", "/admin/v1/users/before-outage", null);
            assertEquals("b@example.com", intact.body().path("email").asText(), intact.raw().body());
            assertEquals(404, cp.send("GET", "/admin/v1/users/half-written", null).status(),
                    "the write cut inside its transaction left nothing");
            assertEquals(404, cp.send("GET", "/admin/v1/users/during-outage", null).status());
            assertEquals(before, cp.head(), "no revision was committed during the outage");
            long after = cp.create("/admin/v1/users", "{\"name\": \"after-outage\"}").revision();
            assertEquals(before + 1, after, "the next write takes the next revision");

            assertEquals(1, cp.process().logLines("cannot be reached").size(), "the cause logged once for the outage: "
                    + cp.process().logLines("cannot be reached"));
            assertTrue(cp.process().logContains("reachable again"), "the end of the outage is logged");
        }
    }

    private static void assertUnavailable(Answer a) {
        assertEquals(503, a.status(), a.raw().body());
        assertEquals("application/problem+json", a.header("Content-Type").orElse(""));
        assertEquals("5", a.header("Retry-After").orElse(""));
        assertEquals(503, a.body().path("status").asInt());
        assertEquals("service unavailable", a.body().path("title").asText());
        assertTrue(a.body().path("detail").asText().startsWith("the config store (PostgreSQL at 127.0.0.1:"),
                a.raw().body());
    }
}
