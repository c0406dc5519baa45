package dev.gatehouse.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model's price from {@code effectiveFrom} on: per million input and output tokens plus a fixed
 * amount per request, in an ISO 4217 currency. Past prices stay, so a call is always costed at the
 * price in force when it was received and a price change never rewrites past usage.
 */
public record ModelPrice(Instant effectiveFrom, BigDecimal inputPerMillionTokens, BigDecimal outputPerMillionTokens,
                         BigDecimal perRequest, String currency) {

    public static final String DEFAULT_CURRENCY = "USD";
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final int COST_SCALE = 9;

    public ModelPrice {
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        requireNonNegative(inputPerMillionTokens, "inputPerMillionTokens");
        requireNonNegative(outputPerMillionTokens, "outputPerMillionTokens");
        requireNonNegative(perRequest, "perRequest");
        if (currency == null || !CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code such as USD");
        }
    }

    public static ModelPrice perMillionTokens(Instant effectiveFrom, String input, String output) {
        return new ModelPrice(effectiveFrom, new BigDecimal(input), new BigDecimal(output), BigDecimal.ZERO, DEFAULT_CURRENCY);
    }

    public BigDecimal costOf(long promptTokens, long completionTokens) {
        return inputPerMillionTokens.multiply(BigDecimal.valueOf(promptTokens))
                .add(outputPerMillionTokens.multiply(BigDecimal.valueOf(completionTokens)))
                .divide(MILLION, COST_SCALE, RoundingMode.HALF_UP)
                .add(perRequest)
                .setScale(COST_SCALE, RoundingMode.HALF_UP);
    }

    /** Whether this price charges the same as {@code other}, whatever their effective times. */
    public boolean sameTariffAs(ModelPrice other) {
        return inputPerMillionTokens.compareTo(other.inputPerMillionTokens) == 0
                && outputPerMillionTokens.compareTo(other.outputPerMillionTokens) == 0
                && perRequest.compareTo(other.perRequest) == 0
                && currency.equals(other.currency);
    }

    private static void requireNonNegative(BigDecimal amount, String name) {
        if (amount == null || amount.signum() < 0) {
            throw new IllegalArgumentException(name + " must be zero or more");
        }
    }
}
