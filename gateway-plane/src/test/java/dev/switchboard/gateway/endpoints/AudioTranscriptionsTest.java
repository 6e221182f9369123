package dev.switchboard.gateway.endpoints;

import static dev.switchboard.gateway.endpoints.EndpointsProfile.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/audio/transcriptions} and {@code /v1/audio/translations}: multipart uploads spooled through the gateway,
 * never held in its memory, with only {@code model} rewritten, to a fake OpenAI upstream that reads and checks the form
 * it gets; the answer relayed in each {@code response_format}, and logged with its seconds of audio or its tokens.
 */
@QuarkusTest
@TestProfile(EndpointsProfile.class)
class AudioTranscriptionsTest extends LoggedEndpointTest {

    private static final String BOUNDARY = "sb-test-7MA4YWxkTrZu0gW";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TestHTTPResource("/v1")
    URL v1;

    @Override
    FakeOpenAi upstream() {
        return EndpointsProfile.openAi;
    }

    @AfterEach
    void noSpoolFileOutlivesItsRequest() {
        MediaUpstream media = EndpointsProfile.media;
        media.onFormRead = null;
        Gateway.await(Duration.ofSeconds(10), "the spool directory to be empty", () -> spooled().isEmpty());
    }

    private static List<Path> spooled() {
        try (Stream<Path> files = Files.list(EndpointsProfile.spoolDir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A form's parts, in order: a text field ({@code name, value}) or, for {@code file}, the audio. */
    private static byte[][] form(byte[] audio, String... fields) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        ByteArrayOutputStream out = head;
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equals("file")) {
                write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + fields[i + 1] + "\"\r\nContent-Type: audio/wav\r\n\r\n");
                out = tail;
                write(out, "\r\n");
            } else {
                write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                        + fields[i + 1] + "\r\n");
            }
        }
        write(tail, "--" + BOUNDARY + "--\r\n");
        return new byte[][] {head.toByteArray(), audio, tail.toByteArray()};
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Audio-like bytes (not all zeros, and holding CRLFs and dashes), the same for the same size. */
    static byte[] audio(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ((i * 2_654_435_761L) >>> 13);
        }
        return bytes;
    }

    /**
     * Posts the form with its length, read from the caller's arrays as it goes (the JDK's own byte-array publisher
     * would copy them whole first, 20 MB more on the heap being measured).
     */
    private HttpResponse<String> post(String endpoint, byte[][] parts) {
        long length = (long) parts[0].length + parts[1].length + parts[2].length;
        return send(endpoint, HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                () -> new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(parts[0]),
                        new ByteArrayInputStream(parts[1]), new ByteArrayInputStream(parts[2]))))), length));
    }

    private URI uri(String endpoint) {
        return URI.create(v1.toString().replace("localhost", "127.0.0.1") + endpoint);
    }

    private HttpResponse<String> send(String endpoint, HttpRequest.BodyPublisher body) {
        return send(endpoint, body, "multipart/form-data; boundary=" + BOUNDARY);
    }

    private HttpResponse<String> send(String endpoint, HttpRequest.BodyPublisher body, String contentType) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(endpoint))
                    .header("authorization", "Bearer " + KEY)
                    .header("content-type", contentType)
                    .timeout(Duration.ofSeconds(120))
                    .POST(body).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theModelAfterTheFileIsRewrittenForTheTargetAndEveryOtherByteGoesOnAsSent() {
        MediaUpstream media = EndpointsProfile.media;
        byte[] audio = audio(300_000);
        byte[][] parts = form(audio, "file", "hello.wav", "language", "en", "model", "transcriber",
                "response_format", "json");

        HttpResponse<String> response = post("/audio/transcriptions", parts);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("media/whisper-1"), response.headers().allValues("x-tfy-resolved-model"));
        assertEquals(MediaUpstream.TEXT, Gateway.parse(response.body()).path("text").asText());
        ReceivedForm form = media.lastForm;
        assertNotNull(form, "the upstream got a well-formed form");
        assertEquals("/v1/audio/transcriptions", media.lastPath);
        assertEquals("Bearer sk-media-secret-value", media.lastAuthorization);
        assertEquals(List.of("file", "language", "model", "response_format"), form.order(), "the parts keep their order");
        assertEquals(Map.of("language", "en", "model", "whisper-1", "response_format", "json"), form.fields());
        assertEquals("hello.wav", form.fileName());
        assertEquals(audio.length, form.fileSize());
        assertEquals(ReceivedForm.sha256Hex(audio), form.fileSha256());
        assertEquals("multipart/form-data; boundary=" + BOUNDARY, media.lastContentType, "the caller's boundary");
        long sent = parts[0].length + parts[1].length + parts[2].length;
        long expected = sent - "transcriber".length() + "whisper-1".length();
        assertEquals(Long.toString(expected), media.lastContentLength);
        assertEquals(expected, form.bodyBytes());

        RequestLog log = logOf("/v1/audio/transcriptions");
        assertEquals(200, log.status());
        assertEquals("transcriber", log.requestedModel());
        assertEquals("media/whisper-1", log.resolvedModel());
        // the Anthropic target, first in priority, cannot transcribe and was never tried
        assertEquals(List.of("media/whisper-1"), log.attempts().stream().map(RequestLog.Attempt::target).toList());
        assertEquals(9.0, log.audioSeconds(), "Whisper's usage: 9 seconds billed");
        // whisper-1 at 0.0001 USD per second of audio (0.006 a minute)
        assertEquals(9 * 0.0001, log.costUsd(), 1e-12);
    }

    @Test
    void eachResponseFormatIsRelayedWithItsContentType() {
        MediaUpstream media = EndpointsProfile.media;
        for (String format : List.of("text", "srt", "vtt")) {
            HttpResponse<String> response = post("/audio/transcriptions",
                    form(audio(1000), "model", "media/whisper-1", "response_format", format, "file", "a.wav"));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(List.of("text/plain; charset=utf-8"), response.headers().allValues("content-type"), format);
            assertTrue(response.body().contains(MediaUpstream.TEXT), format);
            assertEquals(format.equals("vtt"), response.body().startsWith("WEBVTT"), format);
            RequestLog log = logOf("/v1/audio/transcriptions");
            assertEquals(-1.0, log.audioSeconds(), "a text answer says no seconds");
            assertEquals(0.0, log.costUsd(), "no seconds, nothing to price them by");
            assertEquals(200, log.status());
        }
        HttpResponse<String> verbose = post("/audio/transcriptions",
                form(audio(1000), "model", "media/whisper-1", "response_format", "verbose_json", "file", "a.wav"));
        JsonNode answer = Gateway.parse(verbose.body());
        assertEquals(8.47, answer.path("duration").asDouble());
        assertEquals("whisper-1", media.lastForm.fields().get("model"));
        RequestLog log = logOf("/v1/audio/transcriptions");
        assertEquals(9.0, log.audioSeconds());
        assertEquals(9 * 0.0001, log.costUsd(), 1e-12);
    }

    @Test
    void aTokenPricedTranscriptionIsCostedFromItsUsage() {
        HttpResponse<String> response = post("/audio/transcriptions",
                form(audio(5000), "model", "media/gpt-4o-transcribe", "file", "a.wav"));

        assertEquals(200, response.statusCode(), response.body());
        RequestLog log = logOf("/v1/audio/transcriptions");
        assertEquals(120, log.promptTokens());
        assertEquals(30, log.completionTokens());
        // 6 USD per million input (audio) tokens, 10 per million output tokens
        assertEquals((120 * 6.0 + 30 * 10.0) / 1e6, log.costUsd(), 1e-12);
        assertEquals(-1.0, log.audioSeconds());
    }

    @Test
    void aStreamedTranscriptIsRelayedAsEventsAndCostedFromItsLastEvent() {
        HttpResponse<String> response = post("/audio/transcriptions",
                form(audio(5000), "file", "a.wav", "model", "media/gpt-4o-transcribe", "stream", "true"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
        assertTrue(response.body().startsWith("data: {\"type\":\"transcript.text.delta\""), response.body());
        assertTrue(response.body().contains("transcript.text.done"), response.body());
        RequestLog log = logOf("/v1/audio/transcriptions");
        assertTrue(log.stream());
        assertEquals(120, log.promptTokens());
        assertEquals(30, log.completionTokens());
    }

    @Test
    void translationsGoToTheTranslationsPath() {
        MediaUpstream media = EndpointsProfile.media;
        HttpResponse<String> response = post("/audio/translations",
                form(audio(2000), "model", "media/whisper-1", "file", "german.wav", "prompt", "a talk"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/v1/audio/translations", media.lastPath);
        assertEquals(Map.of("model", "whisper-1", "prompt", "a talk"), media.lastForm.fields());
        RequestLog log = logOf("/v1/audio/translations");
        assertEquals("/v1/audio/translations", log.endpoint());
        assertEquals(200, log.status());
    }

    @Test
    void anAzureDeploymentIsCalledOnItsDeploymentPathWithTheDeploymentAsModel() {
        MediaUpstream media = EndpointsProfile.media;
        HttpResponse<String> response = post("/audio/transcriptions",
                form(audio(4000), "file", "a.wav", "model", "azure/whisper", "response_format", "text"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(MediaUpstream.TEXT + "\n", response.body());
        assertEquals("/openai/deployments/whisper-eu/audio/transcriptions", media.lastPath);
        assertEquals("api-version=2024-10-21", media.lastQuery);
        assertEquals("sk-azure-secret-value", media.lastApiKey);
        assertNull(media.lastAuthorization, "Azure's key goes in api-key only");
        assertEquals("whisper-eu", media.lastForm.fields().get("model"));
        assertEquals("azure/whisper", logOf("/v1/audio/transcriptions").resolvedModel());
    }

    @Test
    void theOfficialOpenAiJavaSdkTranscribesThroughTheGateway() throws IOException {
        MediaUpstream media = EndpointsProfile.media;
        Path file = Files.createTempFile("switchboard-sdk-audio", ".wav");
        try {
            byte[] audio = audio(64 * 1024);
            Files.write(file, audio);

            TranscriptionCreateResponse answer = Gateway.sdk(v1, KEY).audio().transcriptions().create(
                    TranscriptionCreateParams.builder().file(file).model("media/whisper-1").language("en").build());

            assertEquals(MediaUpstream.TEXT, answer.asTranscription().text());
            ReceivedForm form = media.lastForm;
            assertEquals("whisper-1", form.fields().get("model"));
            assertEquals("en", form.fields().get("language"));
            assertEquals(ReceivedForm.sha256Hex(audio), form.fileSha256());
            // the SDK sends the file before the model: the gateway reads past it to route
            assertTrue(form.order().indexOf("file") < form.order().indexOf("model"), form.order().toString());
        } finally {
            Files.deleteIfExists(file);
        }
        RequestLog log = logOf("/v1/audio/transcriptions");
        assertEquals("media/whisper-1", log.resolvedModel());
        assertEquals(9.0, log.audioSeconds());
    }

    /**
     * A 20 MB upload, its model after the file (the case that needs the whole body read before routing): when the
     * upstream has read all of it, before it answers, the heap after a full GC holds less than half the body more
     * than before the upload, and so does direct memory. A gateway that held the body (to route or to retry) would
     * hold all 20 MB at that moment. Figures, not times, and printed for docs/endpoints.md. The body is over the JSON
     * bodies' limit and under the uploads': the uploads' own limit is the one that applies.
     */
    @Test
    void aTwentyMegabyteUploadIsNeverHeldInTheGatewaysMemory() {
        MediaUpstream media = EndpointsProfile.media;
        int size = 20 * 1024 * 1024;
        assertTrue(size > EndpointsProfile.MAX_BODY_SIZE && size < EndpointsProfile.UPLOAD_MAX_BODY_SIZE);
        byte[] audio = audio(size); // allocated before the baseline: the client's copy is not the gateway's
        byte[][] parts = form(audio, "file", "long.wav", "model", "transcriber");
        Memory before = Memory.now();
        AtomicReference<Memory> during = new AtomicReference<>();
        media.onFormRead = () -> during.set(Memory.now());

        HttpResponse<String> response = post("/audio/transcriptions", parts);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(size, media.lastForm.fileSize());
        assertEquals(ReceivedForm.sha256Hex(audio), media.lastForm.fileSha256());
        assertEquals("whisper-1", media.lastForm.fields().get("model"));
        Memory at = during.get();
        assertNotNull(at, "measured once the upstream had the whole body");
        long heapGrowth = at.heapUsed - before.heapUsed;
        long directGrowth = at.direct - before.direct;
        System.out.printf("20 MB upload through the gateway: heap after full GC %+.1f MB (%.1f -> %.1f MB), "
                        + "direct buffers %+.1f MB (%.1f -> %.1f MB), RSS %.1f -> %.1f MB%n",
                heapGrowth / 1048576.0, before.heapUsed / 1048576.0, at.heapUsed / 1048576.0,
                directGrowth / 1048576.0, before.direct / 1048576.0, at.direct / 1048576.0,
                before.rss / 1048576.0, at.rss / 1048576.0);
        assertTrue(heapGrowth < size / 2, "heap grew by " + heapGrowth + " bytes with a " + size + "-byte body in flight");
        assertTrue(directGrowth < size / 2, "direct memory grew by " + directGrowth + " bytes");
        assertEquals(9.0, logOf("/v1/audio/transcriptions").audioSeconds());
    }

    /** What the JVM holds: heap in use after a full collection, direct buffers, and the process's resident set. */
    private record Memory(long heapUsed, long direct, long rss) {

        static Memory now() {
            System.gc();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    direct += pool.getMemoryUsed();
                }
            }
            long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
            return new Memory(heap, direct + Math.max(0, netty), residentSetSize());
        }

        private static long residentSetSize() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: no figure
            }
            return -1;
        }
    }

    @Test
    void anUploadDeclaredOverTheUploadLimitIs413AndNeverReachesTheUpstream() {
        MediaUpstream media = EndpointsProfile.media;
        int before = media.transcriptions.get();
        byte[][] parts = form(audio((int) EndpointsProfile.UPLOAD_MAX_BODY_SIZE), "model", "media/whisper-1", "file",
                "big.wav");

        HttpResponse<String> response = post("/audio/transcriptions", parts);

        assertError(response, 413, "request_too_large", null);
        assertEquals("The request body is larger than the limit of 26214400 bytes.",
                Gateway.parse(response.body()).path("error").path("message").asText());
        assertEquals(before, media.transcriptions.get());
    }

    @Test
    void aJsonBodyKeepsItsOwnLimitBelowTheUploads() {
        // 11 MB of prompt: under the uploads' limit, over the JSON bodies'
        String body = "{\"model\":\"fake/dall-e-3\",\"prompt\":\"" + "a".repeat(11 * 1024 * 1024) + "\"}";
        HttpResponse<String> response = send("/images/generations", HttpRequest.BodyPublishers.ofString(body),
                "application/json");

        assertError(response, 413, "request_too_large", null);
        assertEquals("The request body is larger than the limit of 10485760 bytes.",
                Gateway.parse(response.body()).path("error").path("message").asText());
        assertEquals(0, openAi.requestCount(), "never reached the upstream");
    }

    @Test
    void aChunkedUploadGrowingPastTheUploadLimitIs413WhileItStreams() {
        MediaUpstream media = EndpointsProfile.media;
        int before = media.transcriptions.get();
        byte[][] parts = form(new byte[0], "model", "media/whisper-1", "file", "endless.wav");
        long audioBytes = EndpointsProfile.UPLOAD_MAX_BODY_SIZE + 1024 * 1024;
        // no length: the body goes chunked, and only its size as it arrives can tell
        HttpResponse<String> response = send("/audio/transcriptions", HttpRequest.BodyPublishers.ofInputStream(
                () -> new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(parts[0]),
                        new Filler(audioBytes), new ByteArrayInputStream(parts[2]))))));

        assertError(response, 413, "request_too_large", null);
        assertEquals(before, media.transcriptions.get());
    }

    /** {@code length} bytes of audio-like filler, made as they are read. */
    private static final class Filler extends InputStream {
        private final long length;
        private long position;

        Filler(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return position < length ? (int) ((position++ * 2_654_435_761L) >>> 13) & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }

    @Test
    void aModelWhoseProviderCannotTranscribeIs400BeforeAnyProviderCall() {
        MediaUpstream media = EndpointsProfile.media;
        int before = media.transcriptions.get();
        HttpResponse<String> response = post("/audio/transcriptions",
                form(audio(1000), "file", "a.wav", "model", "claude/claude-sonnet"));

        assertError(response, 400, "unsupported_endpoint", "model");
        assertEquals("The model 'claude/claude-sonnet' cannot serve /v1/audio/transcriptions: the provider of "
                        + "'claude/claude-sonnet' (anthropic) does not offer it.",
                Gateway.parse(response.body()).path("error").path("message").asText());
        assertEquals(before, media.transcriptions.get());
    }

    @Test
    void aFormWithoutModelOrFileOrNotAFormAtAllIsRefused() {
        HttpResponse<String> noModel = post("/audio/transcriptions", form(audio(10), "file", "a.wav"));
        assertError(noModel, 400, "invalid_request", "model");

        HttpResponse<String> noFile = post("/audio/transcriptions", form(new byte[0], "model", "media/whisper-1"));
        assertError(noFile, 400, "invalid_request", "file");

        try {
            HttpResponse<String> json = HTTP.send(HttpRequest.newBuilder(uri("/audio/transcriptions"))
                    .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"media/whisper-1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(json, 415, "unsupported_media_type", null);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUnauthenticatedUploadIsRefusedAndNothingIsSpooled() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/audio/transcriptions"))
                .header("authorization", "Bearer sk-sb-not-a-key")
                .header("content-type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(concat(form(audio(2 * 1024 * 1024), "model",
                        "media/whisper-1", "file", "a.wav")))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(spooled().isEmpty());
    }

    /** An OpenAI error of {@code status}: JSON, {@code invalid_request_error}, this code and param. */
    private static void assertError(HttpResponse<String> response, int status, String code, String param) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode error = Gateway.parse(response.body()).path("error");
        assertEquals("invalid_request_error", error.path("type").asText(), response.body());
        assertEquals(code, error.path("code").asText(), response.body());
        assertEquals(param, error.path("param").isNull() ? null : error.path("param").asText(), response.body());
    }

    private static byte[] concat(byte[][] parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
