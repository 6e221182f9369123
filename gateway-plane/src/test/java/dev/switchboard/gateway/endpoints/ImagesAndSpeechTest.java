package dev.switchboard.gateway.endpoints;

import static dev.switchboard.gateway.endpoints.EndpointsProfile.KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.HttpResponse;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/images/generations} and {@code /v1/audio/speech} with the official OpenAI Java SDK as the client. */
@QuarkusTest
@TestProfile(EndpointsProfile.class)
class ImagesAndSpeechTest extends LoggedEndpointTest {

    /** gpt-image-1's answer: base64 images and a token usage. */
    private static final String IMAGES = "{\"created\":1733000000,\"data\":[{\"b64_json\":\"iVBORw0KGgo=\"}],"
            + "\"usage\":{\"input_tokens\":50,\"output_tokens\":4160,\"total_tokens\":4210,"
            + "\"input_tokens_details\":{\"text_tokens\":50,\"image_tokens\":0}}}";

    @TestHTTPResource("/v1")
    URL v1;

    @Override
    FakeOpenAi upstream() {
        return EndpointsProfile.openAi;
    }

    @BeforeEach
    void holdTheMedia() {
        EndpointsProfile.media.release = new CountDownLatch(1);
    }

    @Test
    void imageGenerationPassesThroughAndIsCostedFromItsTokenUsage() {
        openAi.respondWith(200, "application/json", IMAGES.getBytes(StandardCharsets.UTF_8));

        ImagesResponse images = Gateway.sdk(v1, KEY).images().generate(ImageGenerateParams.builder()
                .model("fake/gpt-image-1").prompt("a red fox in the snow").build());

        assertEquals("iVBORw0KGgo=", images.data().orElseThrow().get(0).b64Json().orElseThrow());
        assertEquals("/v1/images/generations", openAi.lastRequest().path());
        assertEquals("gpt-image-1", openAi.lastRequest().bodyJson().get("model").asText());
        RequestLog log = logOf("/v1/images/generations");
        assertEquals(50, log.promptTokens());
        assertEquals(4160, log.completionTokens());
        // 5 USD per million input tokens, 40 per million output tokens
        assertEquals((50 * 5.0 + 4160 * 40.0) / 1e6, log.costUsd(), 1e-12);
    }

    /**
     * DALL·E's answer carries no usage: the images are what is paid, each at the model's per-image price. Two base64
     * images of 300 KB each, an answer too large for the gateway to keep: it counts them as they pass.
     */
    @Test
    void aDallEAnswerIsCostedPerImageItCarriesHoweverLarge() {
        String b64 = java.util.Base64.getEncoder().encodeToString(AudioTranscriptionsTest.audio(225 * 1024));
        String answer = "{\"created\":1733000000,\"data\":[{\"b64_json\":\"" + b64 + "\",\"revised_prompt\":"
                + "\"A red fox, [in] the snow\"},{\"b64_json\":\"" + b64 + "\"}]}";
        openAi.respondWith(200, "application/json", answer.getBytes(StandardCharsets.UTF_8));

        ImagesResponse images = Gateway.sdk(v1, KEY).images().generate(ImageGenerateParams.builder()
                .model("fake/dall-e-3").prompt("a red fox in the snow").n(2)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());

        assertEquals(2, images.data().orElseThrow().size());
        assertEquals(b64, images.data().orElseThrow().get(1).b64Json().orElseThrow());
        RequestLog log = logOf("/v1/images/generations");
        assertEquals(200, log.status());
        assertEquals(-1, log.promptTokens(), "no usage in a DALL·E answer");
        // 0.04 USD per image
        assertEquals(2 * 0.04, log.costUsd(), 1e-12);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void speechAudioReachesTheClientWhileTheUpstreamStillHoldsTheRest() throws Exception {
        MediaUpstream media = EndpointsProfile.media;
        try (HttpResponse speech = Gateway.sdk(v1, KEY).audio().speech().create(SpeechCreateParams.builder()
                .model("media/tts-1").input("Hello from the gateway").voice("alloy").build());
             InputStream audio = speech.body()) {
            assertEquals(200, speech.statusCode());
            assertEquals(List.of("audio/mpeg"), speech.headers().values("content-type"));
            // a hang guard, not a speed check: the upstream sends nothing after its first half until released, so
            // audio reaching the client now was relayed as it came, not after the whole answer
            byte[] head = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> audio.readNBytes(1024),
                    "no audio reached the client while the upstream held the rest");
            assertEquals(1, media.release.getCount(), "the upstream must still be holding");

            media.release.countDown();
            byte[] all = concat(head, audio.readAllBytes());
            assertArrayEquals(concat(MediaUpstream.FIRST_HALF, MediaUpstream.SECOND_HALF), all);
        } finally {
            media.release.countDown();
        }
        assertEquals("/v1/audio/speech", media.lastPath);
        assertEquals("Bearer sk-media-secret-value", media.lastAuthorization);
        assertTrue(new String(media.lastBody, StandardCharsets.UTF_8).contains("\"model\":\"tts-1\""));
        RequestLog log = logOf("/v1/audio/speech");
        assertEquals(200, log.status());
        assertEquals("media/tts-1", log.resolvedModel());
        // 15 USD per million characters, 22 characters spoken
        assertEquals("Hello from the gateway".length() * 15 / 1e6, log.costUsd(), 1e-15);
    }
}
