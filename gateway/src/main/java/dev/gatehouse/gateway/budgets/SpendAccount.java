package dev.gatehouse.gateway.budgets;

import java.time.Instant;
import java.util.UUID;

/**
 * One budget counted for one period: a tenant's, or one key's. The counter's name holds the
 * tenant between braces (a Redis Cluster hash tag, so the tenant's and its keys' counters share a
 * slot and one script updates them together) and the period's start, so that each period starts
 * from nothing; the limit is not in the name, so changing it keeps what was spent.
 */
public record SpendAccount(UUID tenantId, String keyId, Instant periodStart, Instant periodEnd, long limitNanos) {

    public static SpendAccount of(UUID tenantId, String keyId, Budget budget, Instant now) {
        BudgetPeriod.Window window = budget.period().windowAt(now);
        return new SpendAccount(tenantId, keyId, window.start(), window.end(), budget.limitNanos());
    }

    String counterName() {
        return "gatehouse:budget:{" + tenantId + "}:" + (keyId == null ? "tenant" : "key:" + keyId) + ":" + periodStart.getEpochSecond();
    }

    /** Which budget this is, in messages and alerts: {@code tenant} or {@code key <id>}. */
    public String scope() {
        return keyId == null ? "tenant" : "key " + keyId;
    }
}
