package dev.gatehouse.gateway.metering;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelPrice;

import java.math.BigDecimal;
import java.time.Instant;

/** What a call cost, in the currency of the model's price. */
public record CallCost(BigDecimal amount, String currency) {

    /** At the price in force when the call was received, so a later price change never re-prices it. */
    public static CallCost of(CatalogModel model, TokenUsage usage, Instant receivedAt) {
        ModelPrice price = model.priceAt(receivedAt);
        return new CallCost(price.costOf(usage.promptTokens(), usage.completionTokens()), price.currency());
    }
}
