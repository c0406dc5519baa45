package dev.gatehouse.gateway.filter;

import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.gateway.metering.TokenUsage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MeteringCostTest {

    @Test
    void pricesPromptAndCompletionTokensPerMillion() {
        CatalogModel model = new CatalogModel("m", ModelKind.CHAT, "M", "acme", "", false,
                new BigDecimal("0.50"), new BigDecimal("1.50"), Instant.EPOCH, Set.of(), List.of());

        BigDecimal cost = MeteringFilter.costOf(model, new TokenUsage(1_000, 200, true));

        assertThat(cost).isEqualByComparingTo("0.000800000");
    }
}
