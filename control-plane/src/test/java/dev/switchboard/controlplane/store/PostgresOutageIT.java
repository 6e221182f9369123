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
 * intact; and when the way is open again the admin API works by itself, no restart, and publishing resumes.
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
            Await.until(Duration.ofSeconds(60), "the control plane holds its lease again and publishes revision "
                    + after, () -> cp.send("GET", "/admin/v1/sync", null).body().path("published_revision")
                    .asLong() == after);

            assertEquals(1, cp.process().logLines("cannot be reached").size(), "the cause logged once for the outage: "
                    + cp.process().logLines("cannot be reached"));
            assertTrue(cp.process().logContains("reachable again"), "the end of the outage is logged");
        }
    }

    /**
     * PostgreSQL stalls (its answers held back) long enough for the lease's check to time out: the control plane steps
     * down, and when answers flow again it takes the lease back and publishes. Its lease is a lock of a pooled session,
     * which stepping down must release: returned to the pool still locked, it kept every replica, this one included,
     * from the lease until that session ended.
     */
    @Test
    void aControlPlaneThatSteppedDownInAStallTakesItsLeaseBack() throws Exception {
        LocalStack stack = LocalStack.get();
        try (TcpProxy pg = new TcpProxy(stack.pgHost(), stack.pgPort());
             ControlPlaneProcess cp = ControlPlaneProcess.builder(stack.natsUrl()).schemaPrefix("cp_pg_stall")
                     .pgPort(pg.port()).start()) {
            cp.awaitReady(Duration.ofSeconds(120));
            Await.until(Duration.ofSeconds(30), "the lease taken", () -> holdsLease(cp));

            pg.holdAnswers();
            Await.until(Duration.ofSeconds(60), "the lease given up in the stall",
                    () -> cp.process().logContains("gave up the control plane's lease"));
            pg.releaseAnswers();

            Await.until(Duration.ofSeconds(60), "the lease taken back", () -> holdsLease(cp));
            long revision = cp.create("/admin/v1/users", "{\"name\": \"after-stall\"}").revision();
            Await.until(Duration.ofSeconds(60), "revision " + revision + " published", () -> cp.send("GET",
                    "/admin/v1/sync", null).body().path("published_revision").asLong() == revision);
        }
    }

    private static boolean holdsLease(ControlPlaneProcess cp) {
        return cp.process().readiness("control-plane-lease").path("holder").asBoolean(false);
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
