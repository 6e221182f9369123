package dev.switchboard.model.config;

import java.math.BigDecimal;

/**
 * What a model's calls cost, in US dollars: per one million input (prompt) and output (completion) tokens, and, where
 * a provider bills other units, per image generated ({@code /v1/images/generations}), per second of audio transcribed
 * or translated, and per one million characters of input spoken ({@code /v1/audio/speech}). The token prices are 0
 * when not set; the other three are null when not set (and so left out of the config's JSON and YAML). A call is
 * charged for every unit its answer carries that has a price: gpt-image-1 for its tokens and its images alike.
 */
public record Price(BigDecimal inputPerMillionUsd, BigDecimal outputPerMillionUsd, BigDecimal perImageUsd,
                    BigDecimal perAudioSecondUsd, BigDecimal perMillionCharactersUsd) {

    public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);

    public Price {
        inputPerMillionUsd = inputPerMillionUsd == null ? BigDecimal.ZERO : inputPerMillionUsd;
        outputPerMillionUsd = outputPerMillionUsd == null ? BigDecimal.ZERO : outputPerMillionUsd;
    }

    public Price(BigDecimal inputPerMillionUsd, BigDecimal outputPerMillionUsd) {
        this(inputPerMillionUsd, outputPerMillionUsd, null, null, null);
    }

    /** Cost of one call's tokens in USD. */
    public double costUsd(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillionUsd.doubleValue() + outputTokens * outputPerMillionUsd.doubleValue()) / 1e6;
    }

    /** Cost of {@code images} generated images in USD; 0 without a per-image price. */
    public double imagesCostUsd(long images) {
        return perImageUsd == null || images <= 0 ? 0 : images * perImageUsd.doubleValue();
    }

    /** Cost of {@code seconds} of audio in USD; 0 without a per-second price. */
    public double audioCostUsd(double seconds) {
        return perAudioSecondUsd == null || !(seconds > 0) ? 0 : seconds * perAudioSecondUsd.doubleValue();
    }

    /** Cost of {@code characters} characters of input in USD; 0 without a per-character price. */
    public double charactersCostUsd(long characters) {
        return perMillionCharactersUsd == null || characters <= 0 ? 0
                : characters * perMillionCharactersUsd.doubleValue() / 1e6;
    }

    /** Whether any unit has a price above 0: only then can budgets count the model's calls in dollars. */
    public boolean hasAnyPrice() {
        return inputPerMillionUsd.signum() != 0 || outputPerMillionUsd.signum() != 0 || nonZero(perImageUsd)
                || nonZero(perAudioSecondUsd) || nonZero(perMillionCharactersUsd);
    }

    /** Each unit at the dearer of the two prices (a price not set on either side stays not set). */
    public Price max(Price other) {
        return new Price(inputPerMillionUsd.max(other.inputPerMillionUsd),
                outputPerMillionUsd.max(other.outputPerMillionUsd), max(perImageUsd, other.perImageUsd),
                max(perAudioSecondUsd, other.perAudioSecondUsd),
                max(perMillionCharactersUsd, other.perMillionCharactersUsd));
    }

    private static boolean nonZero(BigDecimal price) {
        return price != null && price.signum() != 0;
    }

    private static BigDecimal max(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.max(b);
    }
}
