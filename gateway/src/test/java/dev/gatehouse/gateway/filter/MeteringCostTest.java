package dev.gatehouse.gateway.filter;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelAccess;
import dev.gatehouse.catalog.ModelCompliance;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelLifecycle;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.gateway.metering.CallCost;
import dev.gatehouse.gateway.metering.TokenUsage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MeteringCostTest {

    private static final Instant CHANGE = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void pricesPromptAndCompletionTokensPerMillion() {
        CatalogModel model = CatalogModel.platformModel("m", ModelKind.CHAT, ModelDescription.of("M", "acme", ""),
                ModelPrice.perMillionTokens(Instant.EPOCH, "0.50", "1.50"), false, Set.of(), List.of());

        CallCost cost = CallCost.of(model, new TokenUsage(1_000, 200, true), Instant.now());

        assertThat(cost.amount()).isEqualByComparingTo("0.000800000");
        assertThat(cost.currency()).isEqualTo(ModelPrice.DEFAULT_CURRENCY);
    }

    @Test
    void costsACallAtThePriceInForceWhenItWasReceived() {
        CatalogModel model = new CatalogModel("m", ModelKind.CHAT, null, ModelDescription.of("M", "acme", ""), ModelCompliance.NONE,
                ModelLifecycle.GENERALLY_AVAILABLE, ModelAccess.PUBLIC_OPEN,
                List.of(ModelPrice.perMillionTokens(Instant.EPOCH, "1", "1"),
                        new ModelPrice(CHANGE, new BigDecimal("2"), new BigDecimal("2"), new BigDecimal("0.01"), "USD")),
                false, Instant.EPOCH, List.of(), List.of());
        TokenUsage usage = new TokenUsage(1_000_000, 0, true);

        assertThat(CallCost.of(model, usage, CHANGE.minusMillis(1)).amount()).isEqualByComparingTo("1");
        assertThat(CallCost.of(model, usage, CHANGE).amount()).isEqualByComparingTo("2.01");
    }
}
