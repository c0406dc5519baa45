package dev.gatehouse.tenant;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** What may be listed about a key: everything but the secret. */
public record ApiKeySummary(
        String keyId,
        UUID tenantId,
        String name,
        Set<Role> roles,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {
}
