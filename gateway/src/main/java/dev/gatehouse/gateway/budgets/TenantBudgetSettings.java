package dev.gatehouse.gateway.budgets;

import dev.gatehouse.tenant.Plan;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A tenant's budget and how it is watched. {@code limitUsd} null: the plan's
 * {@code monthly_budget_usd} (monthly) is the budget, if it has one. {@code alertThresholds}: the
 * percentages of a budget whose crossing is announced, ascending. {@code admitWhenLimitsUnreachable}:
 * whether calls go on uncounted while the shared limit store (Redis) is unreachable, for the
 * tenant's rate limits and budgets alike; refused by default.
 */
public record TenantBudgetSettings(UUID tenantId, BigDecimal limitUsd, BudgetPeriod period, List<Integer> alertThresholds,
                                   AlertWebhook webhook, boolean admitWhenLimitsUnreachable) {

    public static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);
    public static final int MAX_THRESHOLDS = 10;

    public TenantBudgetSettings {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(period, "period");
        alertThresholds = List.copyOf(alertThresholds);
        if (alertThresholds.size() > MAX_THRESHOLDS) {
            throw new IllegalArgumentException("at most " + MAX_THRESHOLDS + " alert thresholds");
        }
        for (int i = 0; i < alertThresholds.size(); i++) {
            int threshold = alertThresholds.get(i);
            if (threshold < 1 || threshold > 100 || i > 0 && threshold <= alertThresholds.get(i - 1)) {
                throw new IllegalArgumentException("alert thresholds are ascending percentages from 1 to 100");
            }
        }
        if (limitUsd != null) {
            new Budget(limitUsd, period);
        }
    }

    public static TenantBudgetSettings defaults(UUID tenantId) {
        return new TenantBudgetSettings(tenantId, null, BudgetPeriod.MONTHLY, DEFAULT_THRESHOLDS, null, false);
    }

    /** The budget in force: the tenant's own, else its plan's monthly one, else none. */
    public Optional<Budget> budget(Plan plan) {
        if (limitUsd != null) {
            return Optional.of(new Budget(limitUsd, period));
        }
        return Optional.ofNullable(plan.monthlyBudgetUsd()).map(Budget::monthly);
    }
}
