package dev.switchboard.runtime.telemetry;

import dev.switchboard.runtime.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.Config;

/**
 * Where a stopping publisher keeps the rows it could not publish (NATS away), for the next start to publish first: a
 * directory of files, {@code <kind>-<time>-<id>.jsonl}, one encoded {@code JSONEachRow} row per line. Bounded: the files
 * together stay under {@code maxBytes}; rows past that are lost (and said so). A file is written under a temporary name
 * and renamed once complete, so a crash mid-write leaves no half file to read; reading keeps each line that is a JSON
 * object and skips the others (a damaged or foreign file costs only its bad lines). Rows keep their event ids, so a row
 * published before the stop and again from the spool is stored once as far as readers see.
 */
public final class TelemetrySpool {

    /** The spool's directory; unset (the default), rows left at a stop are lost. */
    public static final String DIR = "switchboard.telemetry.spool-dir";
    /** The most the spool's files hold together, in bytes. */
    public static final String MAX_BYTES = "switchboard.telemetry.spool-max-bytes";
    public static final String MAX_BYTES_DEFAULT = "67108864";
    private static final String SUFFIX = ".jsonl";

    /** The last file stamp given out: stamps rise strictly, so two writes in one millisecond still sort in order. */
    private static final AtomicLong LAST_STAMP = new AtomicLong();

    private final Path dir;
    private final long maxBytes;

    public TelemetrySpool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** The spool a plane's config names, if any. */
    public static Optional<TelemetrySpool> read(Config config) {
        Settings s = new Settings(config);
        return s.text(DIR).filter(d -> !d.isBlank())
                .map(d -> new TelemetrySpool(Path.of(d), s.number(MAX_BYTES, MAX_BYTES_DEFAULT)));
    }

    public Path dir() {
        return dir;
    }

    /**
     * Keeps {@code rows} of {@code kind} (each a JSON object, without its newline) in a new file, as many as fit under
     * the bound, oldest first; returns how many were kept.
     */
    public int write(String kind, List<byte[]> rows) throws IOException {
        Files.createDirectories(dir);
        long room = maxBytes - used();
        // named by a rising time stamp, so that reading them in name order publishes the oldest first
        long now = System.currentTimeMillis();
        long stamp = LAST_STAMP.updateAndGet(last -> Math.max(last + 1, now));
        Path temporary = dir.resolve(String.format("%s-%013d-%s%s.tmp", kind, stamp,
                UUID.randomUUID().toString().substring(0, 8), SUFFIX));
        int kept = 0;
        try (OutputStream out = Files.newOutputStream(temporary)) {
            for (byte[] row : rows) {
                if (row.length + 1 > room) {
                    break;
                }
                out.write(row);
                out.write('\n');
                room -= row.length + 1;
                kept++;
            }
        }
        if (kept == 0) {
            Files.delete(temporary);
            return 0;
        }
        Files.move(temporary, dir.resolve(temporary.getFileName().toString().replace(".tmp", "")),
                StandardCopyOption.ATOMIC_MOVE);
        return kept;
    }

    /** What {@link #take} found: the rows, oldest file first, and the lines that were not rows. */
    public record Taken(List<byte[]> rows, int skipped) {
    }

    /** Reads and deletes the spooled files of {@code kind}. A file that cannot be read is left where it is. */
    public Taken take(String kind) throws IOException {
        List<byte[]> rows = new ArrayList<>();
        int skipped = 0;
        if (!Files.isDirectory(dir)) {
            return new Taken(rows, 0);
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, kind + "-*" + SUFFIX)) {
            found.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            int start = 0;
            for (int i = 0; i <= content.length; i++) {
                if (i == content.length || content[i] == '\n') {
                    int length = i - start;
                    if (length > 0) {
                        if (length >= 2 && content[start] == '{' && content[i - 1] == '}') {
                            byte[] row = new byte[length];
                            System.arraycopy(content, start, row, 0, length);
                            rows.add(row);
                        } else {
                            skipped++;
                        }
                    }
                    start = i + 1;
                }
            }
            Files.delete(file);
        }
        return new Taken(rows, skipped);
    }

    private long used() throws IOException {
        long used = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                used += Files.size(f);
            }
        }
        return used;
    }
}
