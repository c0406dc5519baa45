package dev.gatehouse.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One thing that happened, as it will be kept: which record (a gateway call's id, or a fresh id for a
 * control-plane action), who, when, what, and non-personal facts about it. The caller's request id is
 * an attribute, not a key: callers reuse it. Facts are flat string/number/boolean values; prompts,
 * responses and secrets never go here. {@code tenantId} is null for events of no tenant (a refused
 * authentication, a platform change): those go to the platform log.
 */
public record AuditEvent(String recordId, String requestId, UUID tenantId, Instant occurredAt, String action, Map<String, Object> facts) {

    public AuditEvent {
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(action, "action");
        facts = Collections.unmodifiableMap(new TreeMap<>(facts));
    }

    /** The log the event belongs to: its tenant's, or the platform's. */
    public UUID logId() {
        return tenantId == null ? AuditLog.PLATFORM_LOG : tenantId;
    }
}
