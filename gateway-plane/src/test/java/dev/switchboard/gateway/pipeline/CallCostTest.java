package dev.switchboard.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.gateway.forward.Outcome;
import dev.switchboard.gateway.http.Endpoint;
import dev.switchboard.gateway.telemetry.Usage;
import dev.switchboard.model.config.Price;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a served call is charged: its tokens, and the units its endpoint is billed in where the model prices them. */
class CallCostTest {

    /** Every unit priced, so that a test shows which ones its endpoint charges. */
    private static final Price ALL = new Price(new BigDecimal("5"), new BigDecimal("40"), new BigDecimal("0.04"),
            new BigDecimal("0.0001"), new BigDecimal("15"));

    private static LlmRequest request(Endpoint endpoint, String json) {
        return LlmRequest.parse(endpoint, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Outcome answered(int status, Usage usage) {
        return new Outcome(status, null, 1, 2, 100, usage);
    }

    @Test
    void anImageGenerationPaysPerImageAnsweredAndForItsTokensWhenItHasThem() {
        LlmRequest images = request(Endpoint.IMAGES_GENERATIONS, "{\"model\":\"m\",\"prompt\":\"a fox\",\"n\":4}");
        // dall-e: no usage, three images came back (the answer, not the n asked for, is what is paid)
        assertEquals(3 * 0.04, Recorder.costUsd(images, ALL, answered(200, new Usage(-1, -1, null, null, null, -1, 3))),
                1e-15);
        // gpt-image-1: tokens and images
        assertEquals((50 * 5 + 4160 * 40) / 1e6 + 0.04, Recorder.costUsd(images, ALL,
                answered(200, new Usage(50, 4160, null, null, null, -1, 1))), 1e-12);
        assertEquals(0.0, Recorder.costUsd(images, ALL, answered(400, new Usage(-1, -1, null, null, null, -1, 2))),
                "an error answer generated nothing");
    }

    @Test
    void aTranscriptionPaysForTheSecondsItsAnswerReports() {
        LlmRequest upload = request(Endpoint.AUDIO_TRANSCRIPTIONS, "{\"model\":\"m\"}");
        assertEquals(9 * 0.0001, Recorder.costUsd(upload, ALL, answered(200, new Usage(-1, -1, null, null, null, 9, -1))),
                1e-15);
        assertEquals(0.0, Recorder.costUsd(upload, ALL, answered(200, Usage.UNKNOWN)), "a text answer says no seconds");
        LlmRequest translation = request(Endpoint.AUDIO_TRANSLATIONS, "{\"model\":\"m\"}");
        assertEquals((120 * 5 + 30 * 40) / 1e6, Recorder.costUsd(translation, ALL,
                answered(200, new Usage(120, 30))), 1e-12);
    }

    @Test
    void speechPaysForTheCharactersOfItsInputOnceAnswered() {
        LlmRequest speech = request(Endpoint.AUDIO_SPEECH, "{\"model\":\"m\",\"input\":\"Hello from the gateway\"}");
        assertEquals(22 * 15 / 1e6, Recorder.costUsd(speech, ALL, answered(200, Usage.UNKNOWN)), 1e-15);
        assertEquals(0.0, Recorder.costUsd(speech, ALL, answered(429, Usage.UNKNOWN)));
        assertEquals(0.0, Recorder.costUsd(speech, Price.FREE, answered(200, Usage.UNKNOWN)));
    }

    @Test
    void chatPaysForItsTokensOnly() {
        LlmRequest chat = request(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[]}");
        assertEquals((1000 * 5 + 500 * 40) / 1e6, Recorder.costUsd(chat, ALL,
                answered(200, new Usage(1000, 500, null, null, null, 9, 3))), 1e-12);
        LlmRequest embeddings = request(Endpoint.EMBEDDINGS, "{\"model\":\"m\",\"input\":\"Hello\"}");
        assertEquals(7 * 5 / 1e6, Recorder.costUsd(embeddings, ALL,
                answered(200, new Usage(7, 0, null, null, null, -1, 1))), 1e-15, "embeddings' data are no images");
    }
}
