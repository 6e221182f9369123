package dev.switchboard.workflowbridge.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the outputs where a Flyte raw-container task collects them — one file per output, named after it, holding its
 * value as text — and renders them as the one JSON line the bridge prints on stdout.
 */
public final class OutputWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputWriter() {
    }

    /** The output files: declare these names as the task's outputs ({@code run_id} as int, the rest as str). */
    public static Map<String, String> files(RunOutputs outputs) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("run_id", Long.toString(outputs.runId()));
        files.put("run_page_url", text(outputs.runPageUrl()));
        files.put("result_state", text(outputs.resultState()));
        files.put("life_cycle_state", text(outputs.lifeCycleState()));
        return files;
    }

    public static void writeFiles(Path directory, RunOutputs outputs) throws IOException {
        Files.createDirectories(directory);
        for (Map.Entry<String, String> file : files(outputs).entrySet()) {
            Files.writeString(directory.resolve(file.getKey()), file.getValue());
        }
    }

    public static String jsonLine(RunOutputs outputs) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("job_id", outputs.jobId());
        line.put("run_id", outputs.runId());
        line.put("run_page_url", outputs.runPageUrl());
        line.put("life_cycle_state", outputs.lifeCycleState());
        line.put("result_state", outputs.resultState());
        line.put("state_message", outputs.stateMessage());
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
