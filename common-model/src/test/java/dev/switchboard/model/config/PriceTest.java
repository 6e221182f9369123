package dev.switchboard.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.codec.ConfigCodec;
import dev.switchboard.model.limits.CostEstimate;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** A model's price per token, per image, per second of audio and per character, and what a call comes to. */
class PriceTest {

    private static final Price DALL_E_3 = new Price(null, null, new BigDecimal("0.04"), null, null);
    private static final Price WHISPER = new Price(null, null, null, new BigDecimal("0.0001"), null);
    private static final Price TTS = new Price(null, null, null, null, new BigDecimal("15"));

    @Test
    void tokensArePricedPerMillion() {
        Price price = new Price(new BigDecimal("2.5"), new BigDecimal("10"));
        assertEquals((1000 * 2.5 + 500 * 10) / 1e6, price.costUsd(1000, 500), 1e-15);
    }

    @Test
    void imagesArePricedEachAndNoneOrAnUnknownCountCostsNothing() {
        assertEquals(0.12, DALL_E_3.imagesCostUsd(3), 1e-15);
        assertEquals(0.0, DALL_E_3.imagesCostUsd(0));
        assertEquals(0.0, DALL_E_3.imagesCostUsd(-1), "-1: the answer said no count");
        assertEquals(0.0, Price.FREE.imagesCostUsd(3), "no per-image price");
    }

    @Test
    void audioIsPricedPerSecondAndUnknownSecondsCostNothing() {
        // OpenAI's whisper-1: 0.006 USD a minute
        assertEquals(0.006, WHISPER.audioCostUsd(60), 1e-15);
        assertEquals(0.0009, WHISPER.audioCostUsd(9), 1e-15);
        assertEquals(0.0, WHISPER.audioCostUsd(-1));
        assertEquals(0.0, WHISPER.audioCostUsd(Double.NaN));
        assertEquals(0.0, Price.FREE.audioCostUsd(60));
    }

    @Test
    void speechIsPricedPerMillionCharacters() {
        assertEquals(4096 * 15 / 1e6, TTS.charactersCostUsd(4096), 1e-15);
        assertEquals(0.0, TTS.charactersCostUsd(0));
        assertEquals(0.0, Price.FREE.charactersCostUsd(4096));
    }

    @Test
    void aModelPricedInAnyUnitIsPricedForBudgets() {
        assertFalse(Price.FREE.hasAnyPrice());
        assertFalse(new Price(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, null, null).hasAnyPrice());
        assertTrue(DALL_E_3.hasAnyPrice());
        assertTrue(WHISPER.hasAnyPrice());
        assertTrue(TTS.hasAnyPrice());
        assertTrue(new Price(BigDecimal.ONE, null).hasAnyPrice());
    }

    @Test
    void theDearerOfTwoPricesTakesEachUnitsHigherPriceAndLeavesAnUnsetOneUnset() {
        Price a = new Price(new BigDecimal("1"), new BigDecimal("8"), new BigDecimal("0.04"), null, null);
        Price b = new Price(new BigDecimal("3"), new BigDecimal("2"), new BigDecimal("0.02"), null, new BigDecimal("15"));
        Price max = a.max(b);
        assertEquals(new Price(new BigDecimal("3"), new BigDecimal("8"), new BigDecimal("0.04"), null,
                new BigDecimal("15")), max);
        assertNull(max.perAudioSecondUsd());
    }

    @Test
    void theWorstCaseReservesTheImagesAskedForAndTheCharactersToSpeak() {
        assertEquals(2 * 0.04, CostEstimate.worstCase(DALL_E_3, 100, 4096, 2, 0), 1e-15);
        assertEquals(1000 * 15 / 1e6, CostEstimate.worstCase(TTS, 100, 4096, 0, 1000), 1e-15);
        assertEquals(0.0, CostEstimate.worstCase(WHISPER, 100, 4096, 0, 0), "seconds are not known before the answer");
        Price gptImage = new Price(new BigDecimal("5"), new BigDecimal("40"), new BigDecimal("0.01"), null, null);
        assertEquals((100 * 5 + 4096 * 40) / 1e6 + 0.01, CostEstimate.worstCase(gptImage, 100, 4096, 1, 0), 1e-12);
    }

    @Test
    void thePerUnitPricesReadFromTheConfigAndAnUnsetOneIsLeftOut() throws Exception {
        Model model = ConfigCodec.readYaml("""
                provider_accounts:
                  - name: openai
                    type: openai
                    models:
                      - id: dall-e-3
                        price: {per_image_usd: 0.04, per_audio_second_usd: 0.0001, per_million_characters_usd: 15}
                      - id: gpt-4o-mini
                        price: {input_per_million_usd: 0.15, output_per_million_usd: 0.60}
                """).providerAccounts().get(0).models().get(0);
        assertEquals(new Price(BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("0.04"), new BigDecimal("0.0001"),
                new BigDecimal("15")), model.price());
        String json = ConfigCodec.jsonMapper().writeValueAsString(
                new Price(new BigDecimal("0.15"), new BigDecimal("0.60")));
        assertEquals("{\"input_per_million_usd\":0.15,\"output_per_million_usd\":0.60}", json);
    }
}
