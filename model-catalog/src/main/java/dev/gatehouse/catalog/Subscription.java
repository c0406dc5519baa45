package dev.gatehouse.catalog;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A tenant's subscription to a model, as requested and, where needed, decided by the publisher. */
public record Subscription(UUID tenantId, String modelId, SubscriptionStatus status, Instant createdAt, Instant updatedAt) {

    public Subscription {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(status, "status");
    }
}
