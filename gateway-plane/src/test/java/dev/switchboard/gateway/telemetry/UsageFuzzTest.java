package dev.switchboard.gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * The usage of a JSON answer as the one-pass scan reads it ({@link Usage#ofJson}) is, whatever the bytes, what Jackson's
 * parse of the same bytes reads ({@code Usage.parse}). Seeds: {@code UsageFuzzTestInputs/}.
 */
@Tag("fuzz")
class UsageFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "/dev/switchboard/gateway/fuzz/usage.dict")
    void scanReadsWhatTheParserReads(byte[] answer) {
        assertEquals(Usage.parse(answer, 0, answer.length), Usage.ofJson(answer, 0, answer.length));
    }
}
