package dev.gatehouse.gateway.budgets;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Spend is counted in whole nano-dollars (costs are priced to nine decimals), rounded up so a reservation never falls short. */
final class SpendAmounts {

    private SpendAmounts() {
    }

    static long nanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }
}
