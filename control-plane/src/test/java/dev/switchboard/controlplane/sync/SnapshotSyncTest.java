package dev.switchboard.controlplane.sync;

import static dev.switchboard.controlplane.support.Admin.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.controlplane.store.ConfigStore;
import dev.switchboard.controlplane.store.Head;
import dev.switchboard.controlplane.support.Admin;
import dev.switchboard.controlplane.support.ControlPlaneTestStack;
import dev.switchboard.controlplane.support.Snapshots;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreWatchOption;
import io.nats.client.api.ObjectStoreWatcher;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each commit reaches the Object Store as a snapshot readable with {@link SnapshotWire}; late joiners get the latest. */
@QuarkusTest
class SnapshotSyncTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    SnapshotPublisher publisher;

    @Inject
    ConfigStore store;

    @BeforeEach
    void baseConfig() {
        Admin.reset();
    }

    @Test
    void aChangeIsPublishedWithItsRevisionAndReadsBackWithSnapshotWire() throws Exception {
        long revision = Long.parseLong(Admin.post("/admin/v1/users", "{\"name\": \"erin\"}").then().statusCode(201)
                .extract().header("Switchboard-Revision"));

        Snapshots.Fetched fetched = Snapshots.awaitRevision(revision, WAIT);

        assertEquals(revision, fetched.revisionHeader());
        assertEquals(SnapshotWire.GZIP, fetched.info().getHeaders().getFirst(SnapshotWire.CONTENT_ENCODING_HEADER));
        ConfigSnapshot snapshot = SnapshotWire.decode(fetched.content());
        assertEquals(revision, snapshot.revision());
        assertTrue(snapshot.user("erin").isPresent());
        assertTrue(publisher.awaitPublished(revision, WAIT));
        var sync = json(Admin.get("/admin/v1/sync"));
        assertEquals(revision, sync.get("committed_revision").asLong());
        assertEquals(revision, sync.get("published_revision").asLong());
        assertTrue(sync.get("nats_connected").asBoolean());
    }

    @Test
    void aWatcherSeesEachNewRevision() throws Exception {
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
            ObjectStore os = nc.objectStore(ControlPlaneTestStack.bucket);
            os.watch(new ObjectStoreWatcher() {
                @Override
                public void watch(ObjectInfo info) {
                    if (!info.isDeleted() && info.getHeaders() != null) {
                        seen.add(SnapshotWire.parseRevisionHeader(
                                info.getHeaders().getFirst(SnapshotWire.REVISION_HEADER)));
                    }
                }

                @Override
                public void endOfData() {
                }
            }, ObjectStoreWatchOption.UPDATES_ONLY);

            long revision = Long.parseLong(Admin.post("/admin/v1/users", "{\"name\": \"frank\"}").then()
                    .statusCode(201).extract().header("Switchboard-Revision"));

            long last = -1;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (last < revision && System.nanoTime() < deadline) {
                Long r = seen.poll(100, TimeUnit.MILLISECONDS);
                last = r == null ? last : Math.max(last, r);
            }
            assertEquals(revision, last);
        }
    }

    @Test
    void aLateJoinerGetsTheLatestRevision() throws Exception {
        Admin.post("/admin/v1/users", "{\"name\": \"g1\"}").then().statusCode(201);
        Admin.post("/admin/v1/users", "{\"name\": \"g2\"}").then().statusCode(201);
        Admin.delete("/admin/v1/users/g1").then().statusCode(204);
        long head = Admin.head();
        assertTrue(publisher.awaitPublished(head, WAIT));

        ConfigSnapshot late = SnapshotWire.decode(Snapshots.fetch().content()); // a fresh connection, after the fact

        assertEquals(head, late.revision());
        assertTrue(late.user("g2").isPresent());
        assertTrue(late.user("g1").isEmpty());
    }

    @Test
    void atStartTheLatestRevisionIsPublishedAgain() throws Throwable {
        long head = Admin.head();
        assertTrue(publisher.awaitPublished(head, WAIT));
        try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
            nc.objectStore(ControlPlaneTestStack.bucket).delete(SnapshotWire.OBJECT); // NATS lost it
        }

        Head current = VertxContextSupport.subscribeAndAwait(() -> store.head());
        publisher.republish(current); // what start-up does

        assertEquals(head, Snapshots.awaitRevision(head, WAIT).revisionHeader());
    }
}
