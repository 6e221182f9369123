package dev.switchboard.model.sync;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.secret.SecretSealer;
import dev.switchboard.model.snapshot.ConfigSnapshot;
import dev.switchboard.model.validation.ConfigError;
import dev.switchboard.model.validation.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a config snapshot travels from the control plane to the planes over NATS JetStream. The contract:
 * <ul>
 *   <li>a JetStream <b>Object Store</b> bucket {@value #BUCKET} (it splits large objects into chunks itself), holding
 *       one object, {@value #OBJECT}, which every publish replaces: a late joiner reads it, a watcher of the bucket sees
 *       each new one;</li>
 *   <li>its content is the gzip of {@link ConfigCodec#writeSnapshot} (the JSON document with {@code revision},
 *       {@code created_at} and {@code config}, every secret sealed under the master key);</li>
 *   <li>its headers are {@value #REVISION_HEADER}{@code : <revision>} (so a plane can skip an older or equal revision
 *       without fetching it) and {@value #CONTENT_ENCODING_HEADER}{@code : }{@value #GZIP}.</li>
 * </ul>
 * PostgreSQL stays the truth: the control plane re-publishes the latest revision at start and retries until NATS
 * acknowledges. Pure encoding only: the control plane's publisher and the planes' watcher
 * ({@link dev.switchboard.runtime.feed.NatsSnapshots}) make the NATS calls.
 */
public final class SnapshotWire {

    /** The Object Store bucket. */
    public static final String BUCKET = "switchboard-config";
    /** The one object in the bucket. */
    public static final String OBJECT = "snapshot";
    /** Object header carrying the snapshot's revision as a decimal number. */
    public static final String REVISION_HEADER = "Switchboard-Revision";
    public static final String CONTENT_ENCODING_HEADER = "Content-Encoding";
    public static final String GZIP = "gzip";
    /** A decompressed snapshot larger than this is refused (a guard against a corrupt or hostile object). */
    public static final long MAX_DECODED_BYTES = 1L << 30;

    private SnapshotWire() {
    }

    /** The object content: gzip of the snapshot document; clear secrets are sealed with {@code sealer}. */
    public static byte[] encode(ConfigSnapshot snapshot, SecretSealer sealer) {
        return gzip(ConfigCodec.writeSnapshot(snapshot, sealer));
    }

    /** Reads and validates a snapshot from the object content; a bad object fails with a {@link ConfigException}. */
    public static ConfigSnapshot decode(byte[] content) {
        return ConfigCodec.readSnapshot(gunzip(content));
    }

    /** The value of {@link #REVISION_HEADER} for a revision. */
    public static String revisionHeader(long revision) {
        return Long.toString(revision);
    }

    /** The revision a {@link #REVISION_HEADER} value names, or -1 when it is absent or not a number. */
    public static long parseRevisionHeader(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long revision = Long.parseLong(value.trim());
            return revision < 0 ? -1 : revision;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 8));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] gunzip(byte[] content) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(content), 64 * 1024)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, content.length * 8));
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > MAX_DECODED_BYTES) {
                    throw new ConfigException(List.of(new ConfigError("",
                            "snapshot is larger than " + MAX_DECODED_BYTES + " bytes when decompressed")));
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError("", "snapshot is not valid gzip: " + e.getMessage())));
        }
    }
}
