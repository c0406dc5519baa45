package dev.gatehouse.tenant;

import java.math.BigDecimal;

/**
 * What a tenant may consume: request and token rates per minute, and a monthly budget in USD
 * ({@code null}: no budget cap).
 */
public record Plan(int requestsPerMinute, long tokensPerMinute, BigDecimal monthlyBudgetUsd) {

    public static final Plan DEFAULT = new Plan(600, 200_000, null);
    static final BigDecimal MAX_BUDGET = new BigDecimal("999999999999.99");
    static final long MAX_REQUESTS_PER_MINUTE = 10_000_000;
    static final long MAX_TOKENS_PER_MINUTE = 10_000_000_000L;

    public Plan {
        if (requestsPerMinute < 1 || requestsPerMinute > MAX_REQUESTS_PER_MINUTE) {
            throw new InvalidAttributeException("plan.requests_per_minute", "'plan.requests_per_minute' must be between 1 and 10000000.");
        }
        if (tokensPerMinute < 1 || tokensPerMinute > MAX_TOKENS_PER_MINUTE) {
            throw new InvalidAttributeException("plan.tokens_per_minute", "'plan.tokens_per_minute' must be between 1 and 10000000000.");
        }
        if (monthlyBudgetUsd != null && (monthlyBudgetUsd.signum() < 0 || monthlyBudgetUsd.compareTo(MAX_BUDGET) > 0
                || monthlyBudgetUsd.stripTrailingZeros().scale() > 2)) {
            throw new InvalidAttributeException("plan.monthly_budget_usd",
                    "'plan.monthly_budget_usd' must be a non-negative amount with at most two decimals, or null for no cap.");
        }
    }
}
