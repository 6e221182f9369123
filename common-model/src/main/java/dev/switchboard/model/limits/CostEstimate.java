package dev.switchboard.model.limits;

import dev.switchboard.model.config.Price;

/**
 * The worst-case cost a budget reserves before a call: the prompt's estimated tokens at the input price plus the
 * most output tokens the call may produce at the output price (prices are per million tokens, see {@link Price}); for
 * an image generation also the images asked for ({@code n}) at the per-image price, and for speech the input's
 * characters at the per-character price. Seconds of audio are not known before a transcription's answer: nothing is
 * reserved for them, and the settle counts them.
 */
public final class CostEstimate {

    /**
     * The output cap assumed for a request that sets no {@code max_tokens} (or {@code max_completion_tokens}). An
     * answer longer than this costs more than was reserved: the one way a single replica can overspend a budget.
     */
    public static final long UNKNOWN_MAX_OUTPUT_TOKENS = 4096;

    private CostEstimate() {
    }

    public static double worstCase(Price price, long promptTokensEstimate, long maxOutputTokens) {
        return price.costUsd(Math.max(0, promptTokensEstimate), Math.max(0, maxOutputTokens));
    }

    /**
     * As {@link #worstCase(Price, long, long)}, plus {@code images} at the per-image price and {@code inputCharacters}
     * at the per-character price (0 or less: none).
     */
    public static double worstCase(Price price, long promptTokensEstimate, long maxOutputTokens, long images,
                                   long inputCharacters) {
        return worstCase(price, promptTokensEstimate, maxOutputTokens) + price.imagesCostUsd(images)
                + price.charactersCostUsd(inputCharacters);
    }

    /**
     * An upper-ish estimate of a request's prompt tokens from its body size, without parsing it: one token per three
     * bytes. Tokenizers give about four characters of English per token, and the JSON around the messages adds bytes,
     * so this overestimates ordinary prompts; text of three-byte UTF-8 characters (CJK) comes out near one token per
     * character, about what tokenizers give. Base64 images are overestimated, which only reserves more.
     */
    public static long promptTokensFromBodyBytes(long bodyBytes) {
        return bodyBytes <= 0 ? 0 : (bodyBytes + 2) / 3;
    }

    /** Whether a model with this price can be budgeted: a price that is not set is zero, and counts tokens only. */
    public static boolean isPriced(Price price) {
        return price != null && LimitRules.isPriced(price);
    }
}
