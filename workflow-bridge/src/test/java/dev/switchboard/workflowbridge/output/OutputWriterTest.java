package dev.switchboard.workflowbridge.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {

    private final RunOutputs outputs = new RunOutputs(42, 880001,
            "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/?o=1#job/42/run/880001", "TERMINATED", "SUCCESS",
            "");

    @Test
    void oneFilePerOutputHoldingItsValue(@TempDir Path dir) throws Exception {
        OutputWriter.writeFiles(dir.resolve("outputs"), outputs);

        assertEquals("880001", Files.readString(dir.resolve("outputs/run_id")));
        assertEquals(outputs.runPageUrl(), Files.readString(dir.resolve("outputs/run_page_url")));
        assertEquals("SUCCESS", Files.readString(dir.resolve("outputs/result_state")));
        assertEquals("TERMINATED", Files.readString(dir.resolve("outputs/life_cycle_state")));
    }

    @Test
    void theJsonLineUsesTheJobsApiNames() {
        assertEquals("{\"job_id\":42,\"run_id\":880001,\"run_page_url\":\"" + outputs.runPageUrl() + "\","
                + "\"life_cycle_state\":\"TERMINATED\",\"result_state\":\"SUCCESS\",\"state_message\":\"\"}",
                OutputWriter.jsonLine(outputs));
    }
}
