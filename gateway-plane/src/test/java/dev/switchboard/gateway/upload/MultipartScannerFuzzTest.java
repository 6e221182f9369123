package dev.switchboard.gateway.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.gateway.http.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;

/**
 * A multipart body (boundary {@code B}) as it may arrive, cut in two at a point the input's first byte picks: whatever
 * the bytes, either a 400 {@link GatewayError} or a form whose {@code model}, when it has one, lies exactly where its
 * offsets say (the bytes the gateway replaces upstream). Seeds: {@code MultipartScannerFuzzTestInputs/}.
 */
@Tag("fuzz")
class MultipartScannerFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void multipartBody(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int cut = Math.min(input.length - 1, input[0] & 0xFF);
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        cut = Math.min(cut, body.length);
        MultipartScanner scanner = new MultipartScanner("B");
        try {
            scanner.feed(Buffer.buffer().appendBytes(body, 0, cut));
            scanner.feed(Buffer.buffer().appendBytes(body, cut, body.length - cut));
            scanner.end();
        } catch (GatewayError refused) {
            assertEquals(400, refused.status());
            return;
        }
        MultipartScanner.Field model = scanner.field("model");
        if (model != null) {
            assertTrue(0 <= model.start() && model.start() <= model.end() && model.end() <= body.length,
                    model::toString);
            byte[] value = java.util.Arrays.copyOfRange(body, (int) model.start(), (int) model.end());
            assertEquals(model.value(), new String(value, StandardCharsets.UTF_8));
        }
    }
}
