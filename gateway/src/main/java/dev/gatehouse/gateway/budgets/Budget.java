package dev.gatehouse.gateway.budgets;

import java.math.BigDecimal;
import java.util.Objects;

/** A spend limit in USD over a {@link BudgetPeriod}. */
public record Budget(BigDecimal limitUsd, BudgetPeriod period) {

    /** The largest limit the counters hold exactly (Redis scripts compute in doubles: 2^53 nano-dollars). */
    public static final BigDecimal MAX_LIMIT_USD = new BigDecimal("1000000.00");

    public Budget {
        Objects.requireNonNull(period, "period");
        if (limitUsd == null || limitUsd.signum() < 0 || limitUsd.compareTo(MAX_LIMIT_USD) > 0 || limitUsd.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("a budget's limit is 0 to " + MAX_LIMIT_USD + " USD with at most two decimals");
        }
    }

    /** A plan's monthly budget; above what a budget can hold it is no limit the gateway could reach. */
    public static Budget monthly(BigDecimal limitUsd) {
        return new Budget(limitUsd.min(MAX_LIMIT_USD), BudgetPeriod.MONTHLY);
    }

    long limitNanos() {
        return SpendAmounts.nanos(limitUsd);
    }
}
