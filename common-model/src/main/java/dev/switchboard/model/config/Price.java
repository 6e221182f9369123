package dev.switchboard.model.config;

import java.math.BigDecimal;

/** Price in US dollars per one million input (prompt) and output (completion) tokens. */
public record Price(BigDecimal inputPerMillionUsd, BigDecimal outputPerMillionUsd) {

    public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);

    public Price {
        inputPerMillionUsd = inputPerMillionUsd == null ? BigDecimal.ZERO : inputPerMillionUsd;
        outputPerMillionUsd = outputPerMillionUsd == null ? BigDecimal.ZERO : outputPerMillionUsd;
    }

    /** Cost of one call in USD. */
    public double costUsd(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillionUsd.doubleValue() + outputTokens * outputPerMillionUsd.doubleValue()) / 1e6;
    }
}
