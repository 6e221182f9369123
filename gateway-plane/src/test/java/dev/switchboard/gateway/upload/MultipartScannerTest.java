package dev.switchboard.gateway.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.gateway.http.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The form fields of a multipart body are read wherever they are and however the body is cut into chunks, with their
 * exact place in the body (where the model is rewritten), and a body that is no form is refused.
 */
class MultipartScannerTest {

    private static final String BOUNDARY = "----sb7MA4YWxkTrZu0gW";

    /** A form: {@code file} (audio bytes holding CR, LF and near-boundaries) between the text fields given. */
    private static byte[] form(String[][] before, byte[] audio, String[][] after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] field : before) {
            text(out, field[0], field[1]);
        }
        write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n");
        out.writeBytes(audio);
        write(out, "\r\n");
        for (String[] field : after) {
            text(out, field[0], field[1]);
        }
        write(out, "--" + BOUNDARY + "--\r\n");
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String name, String value) {
        write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Audio that holds what a careless scanner trips on: CRLFs, dashes, and the boundary without its CRLF. */
    private static byte[] trickyAudio(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Random random = new Random(7);
        while (out.size() < size) {
            switch (random.nextInt(4)) {
                case 0 -> write(out, "\r\n--");
                case 1 -> write(out, "x--" + BOUNDARY); // never after a CRLF: that would be a delimiter
                case 2 -> write(out, "\r\n--" + BOUNDARY.substring(0, 10));
                default -> {
                    byte[] noise = new byte[random.nextInt(300)];
                    random.nextBytes(noise);
                    out.writeBytes(noise);
                }
            }
        }
        return out.toByteArray();
    }

    /** Feeds {@code body} in chunks of the sizes {@code cuts} yields, round and round. */
    private static MultipartScanner scan(byte[] body, int... cuts) {
        MultipartScanner scanner = new MultipartScanner(BOUNDARY);
        int at = 0;
        int i = 0;
        while (at < body.length) {
            int n = Math.min(cuts[i++ % cuts.length], body.length - at);
            scanner.feed(Buffer.buffer().appendBytes(body, at, n));
            at += n;
        }
        scanner.end();
        return scanner;
    }

    private static String at(byte[] body, MultipartScanner.Field field) {
        return new String(body, (int) field.start(), (int) (field.end() - field.start()), StandardCharsets.UTF_8);
    }

    @Test
    void theModelAfterTheFileIsFoundWithItsPlaceInTheBody() {
        byte[] body = form(new String[][] {{"language", "en"}}, trickyAudio(200_000),
                new String[][] {{"model", "media/whisper-1"}, {"stream", "false"}, {"response_format", "json"}});
        for (int[] cuts : new int[][] {{8192}, {1}, {7, 13, 4096}, {body.length}}) {
            MultipartScanner scanner = scan(body, cuts);
            MultipartScanner.Field model = scanner.field("model");
            assertEquals("media/whisper-1", model.value());
            assertEquals("media/whisper-1", at(body, model), "its offsets point at its value in the body");
            assertEquals("false", scanner.field("stream").value());
            assertTrue(scanner.sawFile());
            assertNull(scanner.field("response_format"), "a field the gateway does not act on is not kept");
        }
    }

    @Test
    void theModelBeforeTheFileIsFoundToo() {
        byte[] body = form(new String[][] {{"model", "transcriber"}, {"stream", "true"}}, trickyAudio(50_000),
                new String[0][]);
        MultipartScanner scanner = scan(body, 1000);
        assertEquals("transcriber", at(body, scanner.field("model")));
        assertEquals("true", scanner.field("stream").value());
    }

    @Test
    void aFieldsValueMayHoldLineEndsAndAnEmptyOneIsEmpty() {
        byte[] body = form(new String[][] {{"prompt", "two\r\nlines"}, {"model", ""}}, new byte[0],
                new String[][] {{"stream", "a\r\nb"}});
        MultipartScanner scanner = scan(body, 3);
        assertEquals("", scanner.field("model").value());
        assertEquals("a\r\nb", scanner.field("stream").value());
    }

    @Test
    void aPreambleAndAnEpilogueAreIgnored() {
        byte[] inner = form(new String[][] {{"model", "m"}}, "RIFF".getBytes(StandardCharsets.UTF_8), new String[0][]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "This is a preamble.\r\n");
        out.writeBytes(inner);
        write(out, "epilogue --" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nx\r\n");
        byte[] body = out.toByteArray();
        MultipartScanner scanner = scan(body, 5);
        assertEquals("m", at(body, scanner.field("model")));
    }

    @Test
    void aSecondModelIsRefused() {
        byte[] body = form(new String[][] {{"model", "allowed"}}, new byte[10], new String[][] {{"model", "other"}});
        GatewayError e = assertThrows(GatewayError.class, () -> scan(body, 64));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("'model' is given more than once"), e.getMessage());
    }

    @Test
    void aBodyWithoutItsClosingBoundaryIsRefused() {
        byte[] whole = form(new String[][] {{"model", "m"}}, new byte[100], new String[0][]);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
        GatewayError e = assertThrows(GatewayError.class, () -> scan(cut, 16));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("closing boundary"), e.getMessage());
    }

    @Test
    void aPartWithoutANameIsRefused() {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(400, assertThrows(GatewayError.class, () -> scan(body, 4)).status());
    }

    @Test
    void anOverlongModelIsRefusedWithoutBeingKept() {
        byte[] body = form(new String[][] {{"model", "m".repeat(5000)}}, new byte[1], new String[0][]);
        GatewayError e = assertThrows(GatewayError.class, () -> scan(body, 512));
        assertEquals(400, e.status());
    }

    @Test
    void aFileFieldWithoutAFilenameIsNoFile() {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnot a file\r\n--"
                + BOUNDARY + "--").getBytes(StandardCharsets.UTF_8);
        assertFalse(scan(body, 9).sawFile());
    }

    @Test
    void theBoundaryComesFromTheContentTypeQuotedOrNot() {
        assertEquals("abc", MultipartScanner.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b:c", MultipartScanner.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\""));
        assertEquals(415, assertThrows(GatewayError.class,
                () -> MultipartScanner.boundaryOf("application/json")).status());
        assertEquals(415, assertThrows(GatewayError.class, () -> MultipartScanner.boundaryOf(null)).status());
        assertEquals(400, assertThrows(GatewayError.class,
                () -> MultipartScanner.boundaryOf("multipart/form-data")).status());
        assertEquals(400, assertThrows(GatewayError.class,
                () -> MultipartScanner.boundaryOf("multipart/form-data; boundary=" + "x".repeat(71))).status());
    }
}
