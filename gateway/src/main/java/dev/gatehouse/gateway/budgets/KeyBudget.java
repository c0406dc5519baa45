package dev.gatehouse.gateway.budgets;

import java.util.Objects;
import java.util.UUID;

/** A budget of one API key's own, within its tenant's: a call must fit both. */
public record KeyBudget(UUID tenantId, String keyId, Budget budget) {

    public KeyBudget {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(budget, "budget");
    }
}
