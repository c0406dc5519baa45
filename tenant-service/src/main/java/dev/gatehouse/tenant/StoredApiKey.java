package dev.gatehouse.tenant;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A key as the authenticator caches it: the digest, never the token. */
record StoredApiKey(
        String keyId,
        UUID tenantId,
        byte[] secretSha256,
        Set<Role> roles,
        ApiKeyScopes scopes,
        Instant expiresAt,
        Instant revokedAt,
        TenantStatus tenantStatus,
        Instant changedAt) {
}
