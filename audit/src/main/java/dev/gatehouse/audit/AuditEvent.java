package dev.gatehouse.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One thing that happened, as it will be kept: who, when, what, and non-personal facts about it.
 * Facts are flat string/number/boolean values; prompts and responses never go here.
 */
public record AuditEvent(String requestId, UUID tenantId, Instant occurredAt, String action, Map<String, Object> facts) {

    public AuditEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(action, "action");
        facts = java.util.Collections.unmodifiableMap(new TreeMap<>(facts));
    }
}
