package dev.switchboard.controlplane.support;

import dev.switchboard.model.sync.SnapshotWire;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import java.io.ByteArrayOutputStream;
import java.time.Duration;

/** Reads the snapshot object as a plane would: a fresh NATS connection, the test run's bucket. */
public final class Snapshots {

    /** The object's info and content as fetched. */
    public record Fetched(ObjectInfo info, byte[] content) {
        public long revisionHeader() {
            return SnapshotWire.parseRevisionHeader(info.getHeaders().getFirst(SnapshotWire.REVISION_HEADER));
        }
    }

    private Snapshots() {
    }

    public static Fetched fetch() throws Exception {
        try (Connection nc = Nats.connect(ControlPlaneTestStack.natsUrl)) {
            ObjectStore os = nc.objectStore(ControlPlaneTestStack.bucket);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ObjectInfo info = os.get(SnapshotWire.OBJECT, out);
            return new Fetched(info, out.toByteArray());
        }
    }

    /** Fetches until the object carries at least {@code revision}. */
    public static Fetched awaitRevision(long revision, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Fetched f = fetch();
                if (f.revisionHeader() >= revision) {
                    return f;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no snapshot with revision >= " + revision + " within " + timeout
                + (last == null ? "" : ": " + last));
    }
}
