package dev.gatehouse.tenant;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** What may be listed about a key: everything but the secret. {@code replacedBy} names the key a rotation issued. */
public record ApiKeySummary(
        String keyId,
        UUID tenantId,
        String name,
        Set<Role> roles,
        ApiKeyScopes scopes,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt,
        String replacedBy) {

    /** Neither revoked nor expired at {@code now}. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
