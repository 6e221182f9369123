package dev.switchboard.controlplane.sync;

import dev.switchboard.controlplane.store.Head;
import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.sync.SnapshotWire;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.impl.Headers;
import java.io.ByteArrayInputStream;
import java.time.Instant;

/** One publish: build the validated snapshot of a revision, encode it per {@link SnapshotWire}, put it. */
public final class SnapshotUpload {

    private SnapshotUpload() {
    }

    /** An acknowledged put: sizes and how long the build (validate + index + encode) and the put took. */
    public record Published(long revision, long jsonBytes, long gzipBytes, long chunks, double buildMs, double putMs,
                            Instant at) {
    }

    /**
     * Puts {@code head}'s snapshot, unless the object already holds it or a newer revision (then chunks is 0): a new
     * lease holder never puts a revision twice.
     */
    public static Published upload(ObjectStore os, Head head, SecretSealer sealer) throws Exception {
        long t0 = System.nanoTime();
        ConfigSnapshot snapshot = ConfigCodec.validated(head.config(), head.revision(), head.createdAt());
        byte[] json = ConfigCodec.writeSnapshot(snapshot, sealer);
        byte[] content = SnapshotWire.gzip(json);
        long t1 = System.nanoTime();
        ObjectInfo current = os.getInfo(SnapshotWire.OBJECT);
        if (current != null && !current.isDeleted() && current.getHeaders() != null) {
            long there = SnapshotWire.parseRevisionHeader(current.getHeaders().getFirst(SnapshotWire.REVISION_HEADER));
            if (there >= head.revision()) {
                return new Published(head.revision(), json.length, content.length, 0, ms(t0, t1),
                        ms(t1, System.nanoTime()), Instant.now());
            }
        }
        Headers headers = new Headers()
                .put(SnapshotWire.REVISION_HEADER, SnapshotWire.revisionHeader(head.revision()))
                .put(SnapshotWire.CONTENT_ENCODING_HEADER, SnapshotWire.GZIP);
        ObjectMeta meta = ObjectMeta.builder(SnapshotWire.OBJECT)
                .description("Switchboard config snapshot, revision " + head.revision())
                .headers(headers)
                .build();
        ObjectInfo info = os.put(meta, new ByteArrayInputStream(content));
        long t2 = System.nanoTime();
        return new Published(head.revision(), json.length, content.length, info.getChunks(), ms(t0, t1), ms(t1, t2),
                Instant.now());
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }
}
