package dev.switchboard.runtime.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetrySpoolTest {

    @TempDir
    Path dir;

    private static byte[] row(String id) {
        return ("{\"request_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> rows) {
        return rows.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void rowsKeptByOneStopAreTakenOnceOldestFirst() throws Exception {
        TelemetrySpool spool = new TelemetrySpool(dir.resolve("spool"), 1 << 20);
        assertEquals(2, spool.write("request_logs", List.of(row("a"), row("b"))));
        assertEquals(1, spool.write("request_logs", List.of(row("c"))));
        assertEquals(1, spool.write("tool_calls", List.of(row("t"))));

        TelemetrySpool.Taken taken = spool.take("request_logs");
        assertEquals(List.of("{\"request_id\":\"a\"}", "{\"request_id\":\"b\"}", "{\"request_id\":\"c\"}"),
                texts(taken.rows()));
        assertEquals(0, taken.skipped());
        assertEquals(0, spool.take("request_logs").rows().size(), "taken files are gone");
        assertEquals(1, spool.take("tool_calls").rows().size(), "each kind apart");
    }

    @Test
    void theSpoolKeepsWhatFitsUnderItsBound() throws Exception {
        int each = row("r0").length + 1;
        TelemetrySpool spool = new TelemetrySpool(dir, 5L * each);
        assertEquals(3, spool.write("request_logs", List.of(row("r0"), row("r1"), row("r2"))));
        assertEquals(2, spool.write("request_logs", List.of(row("r3"), row("r4"), row("r5"), row("r6"))),
                "the files together stay under the bound");
        assertEquals(0, spool.write("request_logs", List.of(row("r7"))));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no empty file for rows that did not fit");
        }
        assertEquals(5, spool.take("request_logs").rows().size());
    }

    @Test
    void linesThatAreNoRowsAreSkippedAndTheRestRead() throws Exception {
        TelemetrySpool spool = new TelemetrySpool(dir, 1 << 20);
        spool.write("request_logs", List.of(row("good-1")));
        Files.writeString(dir.resolve("request_logs-0000000000001-damaged.jsonl"),
                "{\"request_id\":\"good-0\"}\n\u0000\u0000garbage\n\n{\"request_id\":\"cut sh");
        Files.writeString(dir.resolve("request_logs-0000000000002-x.jsonl.tmp"), "{\"request_id\":\"half\"}\n");

        TelemetrySpool.Taken taken = spool.take("request_logs");
        assertEquals(List.of("{\"request_id\":\"good-0\"}", "{\"request_id\":\"good-1\"}"), texts(taken.rows()));
        assertEquals(2, taken.skipped(), "the garbage line and the line cut short");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("request_logs-0000000000002-x.jsonl.tmp"),
                    files.map(f -> f.getFileName().toString()).toList(), "a file never completed is never read");
        }
    }
}
